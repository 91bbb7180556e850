namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The trusted Lua code run once per state, before any rule: it narrows the shared libraries and defines
/// <c>__worcr_new_env()</c>, the whitelist environment a rule's chunk is loaded into. The rule never sees
/// the real globals (os, io, debug, load, require, package, collectgarbage, ...).
/// </summary>
internal static class LuaSandbox
{
    public const string NewEnvironmentFunction = "__worcr_new_env";

    public const string Prelude = """
        -- string.find/match/gmatch/gsub run patterns inside C, where the instruction budget cannot see them
        -- (a pathological pattern ran for seconds), and string.dump/pack are not needed by rules. Removing them
        -- from the real library matters: strings' metatable points at it, so ("x"):find would reach it.
        for _, name in ipairs({ 'find', 'match', 'gmatch', 'gsub', 'dump', 'pack', 'packsize', 'unpack' }) do
          string[name] = nil
        end

        local function copy(lib, names)
          local result = {}
          for _, name in ipairs(names) do result[name] = lib[name] end
          return result
        end

        local function read_only(lib, label)
          return setmetatable({}, {
            __index = lib,
            __newindex = function() error(label .. ' is read-only', 2) end,
            __metatable = false,
          })
        end

        local safe_math = {}
        for name, value in pairs(math) do
          if name ~= 'random' and name ~= 'randomseed' then safe_math[name] = value end
        end

        local sort = table.sort
        local safe_table = copy(table, { 'concat', 'insert', 'move', 'pack', 'remove', 'unpack' })
        -- A comparator would run Lua from inside C where the budget hook cannot yield.
        safe_table.sort = function(list, comparator)
          if comparator ~= nil then error('table.sort with a comparator is not available in rules', 2) end
          return sort(list)
        end

        local libraries = {
          math = read_only(safe_math, 'math'),
          string = read_only(copy(string, { 'byte', 'char', 'format', 'len', 'lower', 'rep', 'reverse', 'sub', 'upper' }), 'string'),
          table = read_only(safe_table, 'table'),
          utf8 = read_only(copy(utf8, { 'char', 'charpattern', 'codepoint', 'codes', 'len', 'offset' }), 'utf8'),
        }

        local function has(list, value)
          if type(list) ~= 'table' then return false end
          for i = 1, #list do
            if list[i] == value then return true end
          end
          return false
        end

        -- xpcall is left out: its message handler runs where the budget hook cannot yield.
        local basics = { 'assert', 'error', 'ipairs', 'next', 'pairs', 'pcall', 'select', 'tonumber', 'tostring', 'type' }
        local base = _G

        function __worcr_new_env()
          local env = { has = has }
          for _, name in ipairs(basics) do env[name] = base[name] end
          for name, lib in pairs(libraries) do env[name] = lib end
          return env
        end
        """;
}
