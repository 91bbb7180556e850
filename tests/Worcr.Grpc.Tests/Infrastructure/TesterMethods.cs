using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Infrastructure;

internal static class TesterMethods
{
    public const string Service = "worcr.test.Tester";

    public static readonly Method<TestRequest, TestReply> Echo = Unary("Echo");
    public static readonly Method<TestRequest, TestReply> Crash = Unary("Crash");
    public static readonly Method<TestRequest, TestReply> Inspect = Unary("Inspect");
    public static readonly Method<TestRequest, TestReply> WaitForCancel = Unary("WaitForCancel");
    public static readonly Method<TestRequest, TestReply> Unmapped = Unary("Unmapped");
    public static readonly Method<TestRequest, TestReply> Count =
        new(Service, "Count", MethodType.ServerStreaming, TestRequest.Parser, TestReply.Parser);
    public static readonly Method<TestRequest, TestReply> Chat =
        new(Service, "Chat", MethodType.DuplexStreaming, TestRequest.Parser, TestReply.Parser);
    public static readonly Method<TestRequest, TestReply> Greet =
        new(Service, "Greet", MethodType.DuplexStreaming, TestRequest.Parser, TestReply.Parser);

    private static Method<TestRequest, TestReply> Unary(string name) =>
        new(Service, name, MethodType.Unary, TestRequest.Parser, TestReply.Parser);
}
