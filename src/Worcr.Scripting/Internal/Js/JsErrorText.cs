using Jint.Native;
using Jint.Native.Error;
using Jint.Native.Object;
using Jint.Runtime;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// The text of an error a script threw, as "Name: message". The message is what Jint read while the script ran;
/// the name is read from own data properties only, because a getter or a proxy trap would run script outside
/// the budget.
/// </summary>
internal static class JsErrorText
{
    public static string Of(JavaScriptException exception)
    {
        var message = exception.Message;
        var name = exception.Error is ErrorInstance error ? ErrorName(error) : null;
        return name is null || message.StartsWith(name, StringComparison.Ordinal) ? message : $"{name}: {message}";
    }

    private static string ErrorName(ErrorInstance error)
    {
        ObjectInstance? holder = error;
        for (var hops = 0; hops < 4 && holder is ErrorInstance or JsObject; hops++)
        {
            var descriptor = holder.GetOwnProperty("name");
            if (descriptor != Jint.Runtime.Descriptors.PropertyDescriptor.Undefined)
            {
                return !descriptor.IsAccessorDescriptor() && descriptor.Value is JsString name ? name.ToString() : "Error";
            }

            holder = holder.Prototype;
        }

        return holder is not null && holder.GetType().Name == "ErrorPrototype" ? BuiltInName(holder) : "Error";
    }

    /// <summary>Error.prototype, TypeError.prototype, ...: built-in objects whose 'name' is a plain data property.</summary>
    private static string BuiltInName(ObjectInstance prototype) =>
        prototype.GetOwnProperty("name") is { } descriptor && !descriptor.IsAccessorDescriptor() && descriptor.Value is JsString name ? name.ToString() : "Error";
}
