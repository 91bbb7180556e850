namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Trusted JavaScript run in each engine before the rule: it disables dynamic code (eval, Function and
/// Function.prototype.constructor, for names a rule builds at run time), pins the guard so a rule
/// cannot replace it, and defines the <c>has(list, value)</c> helper.
/// </summary>
internal static class JsSandbox
{
    public const string Prelude = """
        (function (global) {
          var blocked = function () { throw new Error('dynamic code (eval / Function) is not available in rules'); };
          var pin = function (target, name, value) {
            Object.defineProperty(target, name, { value: value, writable: false, configurable: false, enumerable: false });
          };
          pin(Function.prototype, 'constructor', blocked);
          pin(global, 'Function', blocked);
          pin(global, 'eval', blocked);
          pin(global, '__worcr_guard', global.__worcr_guard);
          global.has = function (list, value) {
            return Array.isArray(list) && list.indexOf(value) >= 0;
          };
        })(this);
        """;
}
