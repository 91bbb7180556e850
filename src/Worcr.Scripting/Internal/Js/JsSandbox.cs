namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// Trusted JavaScript run in each engine before the rule. It defines the <c>has(list, value)</c> helper, removes
/// shared memory, checks the call's budget at every regular expression match, bounds the length of what concat
/// makes, and bounds the string built-ins that make a long string from a short one: Jint defers their copy, and the
/// first use of a 2^28-character result took seconds and half a gigabyte before the memory constraint could see it.
/// Everything else the sandbox needs is the engine's own configuration (see <see cref="JsEngineOptions"/>).
/// </summary>
internal static class JsSandbox
{
    /// <summary>The global the host sets to the longest string a built-in may make; the prelude removes it.</summary>
    public const string MaxStringLengthGlobal = "__worcr_max_string_length";

    /// <summary>The global the host sets to the longest array a rule may make; the prelude removes it.</summary>
    public const string MaxArrayLengthGlobal = "__worcr_max_array_length";

    /// <summary>The global the host sets to a function that checks the call's budgets; the prelude removes it.</summary>
    public const string CheckBudgetGlobal = "__worcr_check_budget";

    public const string Prelude = """
        // Each wrapper calls its original through the Reflect.apply the prelude saw: a rule may replace
        // Function.prototype.apply, and one that did received the unbounded original from `original.apply(...)`.
        (function (maxLength) {
          const { apply } = Reflect;
          const wrap = (name, resultLength) => {
            const original = String.prototype[name];
            const bounded = {
              [name](...args) {
                const length = resultLength(String(this), args);
                if (length > maxLength) {
                  throw new RangeError(`String.prototype.${name} would make a string of ${length} characters; rules may make ${maxLength}`);
                }
                return apply(original, this, args);
              },
            }[name];
            Object.defineProperty(String.prototype, name, { value: bounded, writable: true, configurable: true, enumerable: false });
          };
          wrap('repeat', (text, [count]) => text.length * Number(count));
          wrap('padStart', (text, [target]) => Number(target));
          wrap('padEnd', (text, [target]) => Number(target));
        })(globalThis.__worcr_max_string_length);
        delete globalThis.__worcr_max_string_length;

        // Array.prototype.concat of arrays copies them into one list before Jint checks its length, and a length
        // past 2^31 escaped that check and the memory limit: [].concat.apply([], 50,000 references to an array of
        // 50,000) grew to 5.4 GB in 30 s. The wrapper adds up the lengths first.
        (function (maxLength) {
          const concat = Array.prototype.concat;
          const { apply } = Reflect;
          const { isArray } = Array;
          const bounded = {
            concat(...items) {
              let length = isArray(this) ? this.length : 1;
              for (let i = 0; i < items.length; i++) {
                length += isArray(items[i]) ? items[i].length : 1;
              }
              if (length > maxLength) {
                throw new RangeError(`Array.prototype.concat would make an array of ${length} elements; rules may make ${maxLength}`);
              }
              return apply(concat, this, items);
            },
          }.concat;
          Object.defineProperty(Array.prototype, 'concat', { value: bounded, writable: true, configurable: true, enumerable: false });
        })(globalThis.__worcr_max_array_length);
        delete globalThis.__worcr_max_array_length;

        // Shared memory serves agents a rule does not have, and Atomics.wait on it blocked the thread for good:
        // the interpreter never got control back to check its clock.
        delete globalThis.Atomics;
        delete globalThis.SharedArrayBuffer;

        // A regular expression's timeout holds for one match, and a global match, matchAll or split loops over its
        // matches in .NET, checking the budget once per 10,000 of them: 200 slow matches took 6.3 s of a 100 ms
        // budget. Each match goes through exec (replace's too, once exec is not the built-in one), so exec checks
        // the call's budget first. A regex with properties of its own (an exec, a constructor), another prototype
        // or another species would reach the built-in matcher without that check, so the methods that match
        // refuse one, and what they read is made read-only.
        (function (checkBudget) {
          const RegExpPrototype = RegExp.prototype;
          const { apply, ownKeys } = Reflect;
          const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Object;
          const exec = RegExpPrototype.exec;
          const source = getOwnPropertyDescriptor(RegExpPrototype, 'source').get;
          const requirePlain = (rx) => {
            try { apply(source, rx, []); } catch { rx = null; } // throws for all but a real RegExp, a proxy included
            if (rx === null || getPrototypeOf(rx) !== RegExpPrototype || ownKeys(rx).length !== 1) { // own: lastIndex
              throw new TypeError('rules match only with regular expressions made by a literal or RegExp(), without properties of their own');
            }
          };
          const bounded = { exec(text) { checkBudget(); return apply(exec, this, [text]); } }.exec;
          defineProperty(RegExpPrototype, 'exec', { value: bounded, writable: false, configurable: false, enumerable: false });
          defineProperty(RegExpPrototype, 'constructor', { writable: false, configurable: false });
          defineProperty(RegExp, Symbol.species, { configurable: false });
          for (const name of ['test', Symbol.match, Symbol.matchAll, Symbol.replace, Symbol.search, Symbol.split]) {
            const original = RegExpPrototype[name];
            const guarded = { [name](...args) { requirePlain(this); return apply(original, this, args); } }[name];
            defineProperty(RegExpPrototype, name, { value: guarded, writable: true, configurable: true, enumerable: false });
          }
        })(globalThis.__worcr_check_budget);
        delete globalThis.__worcr_check_budget;

        globalThis.has = function (list, value) {
          return Array.isArray(list) && list.indexOf(value) >= 0;
        };
        """;
}
