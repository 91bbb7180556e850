namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Trusted JavaScript run in each engine before the rule. It defines the <c>has(list, value)</c> helper, removes
/// shared memory, and bounds the string built-ins that make a long string from a short one: Jint defers their copy,
/// and the first use of a 2^28-character result took seconds and half a gigabyte before the memory constraint could see it.
/// Everything else the sandbox needs is the engine's own configuration (see <see cref="JsEngineOptions"/>).
/// </summary>
internal static class JsSandbox
{
    /// <summary>The global the host sets to the longest string a built-in may make; the prelude removes it.</summary>
    public const string MaxStringLengthGlobal = "__worcr_max_string_length";

    public const string Prelude = """
        (function (maxLength) {
          const wrap = (name, resultLength) => {
            const original = String.prototype[name];
            const bounded = {
              [name](...args) {
                const length = resultLength(String(this), args);
                if (length > maxLength) {
                  throw new RangeError(`String.prototype.${name} would make a string of ${length} characters; rules may make ${maxLength}`);
                }
                return original.apply(this, args);
              },
            }[name];
            Object.defineProperty(String.prototype, name, { value: bounded, writable: true, configurable: true, enumerable: false });
          };
          wrap('repeat', (text, [count]) => text.length * Number(count));
          wrap('padStart', (text, [target]) => Number(target));
          wrap('padEnd', (text, [target]) => Number(target));
        })(globalThis.__worcr_max_string_length);
        delete globalThis.__worcr_max_string_length;

        // Shared memory serves agents a rule does not have, and Atomics.wait on it blocked the thread for good:
        // the interpreter never got control back to check its clock.
        delete globalThis.Atomics;
        delete globalThis.SharedArrayBuffer;

        globalThis.has = function (list, value) {
          return Array.isArray(list) && list.indexOf(value) >= 0;
        };
        """;
}
