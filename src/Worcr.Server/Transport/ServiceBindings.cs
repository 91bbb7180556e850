using Google.Protobuf.Reflection;
using Grpc.Core;
using Worcr.Protocol.V1;

namespace Worcr.Server.Transport;

// Grpc.AspNetCore binds a service through the [BindServiceMethod] nearest to its class (the service's own, here),
// finds each handler as an override of the bind method's service parameter type (hence the generated base class),
// and server reflection reads the same type's Descriptor. Each binding keeps the generated methods and names and
// adds checked parsing.

/// <summary>worcr.v1.Jobs, bound with <see cref="CheckedRequestBinder"/>.</summary>
internal static class JobsBinding
{
    public static ServiceDescriptor Descriptor => Jobs.Descriptor;

    public static void BindService(ServiceBinderBase binder, Jobs.JobsBase service) => Jobs.BindService(new CheckedRequestBinder(binder), service);
}

/// <summary>worcr.v1.Workers, bound with <see cref="CheckedRequestBinder"/>.</summary>
internal static class WorkersBinding
{
    public static ServiceDescriptor Descriptor => Protocol.V1.Workers.Descriptor;

    public static void BindService(ServiceBinderBase binder, Protocol.V1.Workers.WorkersBase service) =>
        Protocol.V1.Workers.BindService(new CheckedRequestBinder(binder), service);
}
