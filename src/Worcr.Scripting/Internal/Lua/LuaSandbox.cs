namespace Worcr.Scripting.Internal.Lua;

/// <summary>
/// The trusted Lua code run once per state, before any rule: it narrows the shared libraries and defines
/// <c>__worcr_new_env()</c>, the whitelist environment a rule's chunk is loaded into. The rule never sees
/// the real globals (os, io, debug, load, require, package, collectgarbage, ...).
/// </summary>
internal static class LuaSandbox
{
    public const string NewEnvironmentFunction = "__worcr_new_env";

    /// <summary>The prelude's chunk name: the position in errors raised inside its library wrappers.</summary>
    public const string ChunkName = "worcr-sandbox";

    /// <summary>The global the host sets to <see cref="LuaMemoryAccount.LargestBlockBytes"/> before the prelude runs.</summary>
    public const string LargestBlockGlobal = "__worcr_largest_block";

    public const string Prelude = """
        -- string.find/match/gmatch/gsub run patterns inside C, where the instruction budget cannot see them
        -- (a pathological pattern ran for seconds), and string.dump/pack are not needed by rules. Removing them
        -- from the real library matters: strings' metatable points at it, so ("x"):find would reach it.
        for _, name in ipairs({ 'find', 'match', 'gmatch', 'gsub', 'dump', 'pack', 'packsize', 'unpack' }) do
          string[name] = nil
        end

        -- C library functions run as one VM instruction however long they take, so the ones whose work is not
        -- bounded by the size of one object are wrapped: the wrapper charges the work to the run's budget first
        -- (charge returns false once the budget or the time is spent) and yields, which stops the run like the
        -- hook does, instead of starting work it could not stop. (string.rep('', math.maxinteger) and
        -- table.move({}, 1, math.maxinteger - 1, 1) each ran forever inside one instruction.)
        local charge = __worcr_charge
        __worcr_charge = nil
        local yield, tointeger, log = coroutine.yield, math.tointeger, math.log
        local largest = __worcr_largest_block
        __worcr_largest_block = nil

        local function spend(units)
          if units > 0 and not charge(units) then yield() end
        end

        -- How many times a loop from i to j runs, for arguments the C function will check itself.
        local function span(i, j)
          i, j = tointeger(i), tointeger(j)
          if i == nil or j == nil or j < i then return 0 end
          return (j + 0.0) - i + 1
        end

        local function size_of(value)
          local kind = type(value)
          if kind == 'string' then return #value end
          if kind == 'number' then return 24 end
          return 0
        end

        local rep = string.rep
        string.rep = function(s, n, sep)
          local count = tointeger(n)
          if count ~= nil and count > 0 then
            local piece = size_of(s) + size_of(sep)
            -- A result over the largest block is refused by the allocator at once, without looping.
            if piece == 0 or piece * (count + 0.0) <= largest then spend(count / 16 + piece * (count + 0.0) / 64) end
          end
          return rep(s, n, sep)
        end

        local format = string.format
        string.format = function(pattern, ...)
          spend(size_of(pattern) / 16 + select('#', ...))
          return format(pattern, ...)
        end

        local function length_of(list)
          return type(list) == 'table' and #list or 0
        end

        local move, insert, remove, concat, unpack, sort = table.move, table.insert, table.remove, table.concat, table.unpack, table.sort
        local bounded_table = {
          move = function(a1, f, e, t, a2)
            spend(span(f, e))
            return move(a1, f, e, t, a2)
          end,
          insert = function(list, ...)
            if select('#', ...) >= 2 then spend(span(..., length_of(list))) end
            return insert(list, ...)
          end,
          remove = function(list, ...)
            spend(span(select('#', ...) > 0 and ... or length_of(list), length_of(list)))
            return remove(list, ...)
          end,
          concat = function(list, sep, i, j)
            spend(span(i or 1, j or length_of(list)))
            return concat(list, sep, i, j)
          end,
          unpack = function(list, i, j)
            spend(span(i or 1, j or length_of(list)))
            return unpack(list, i, j)
          end,
          -- A comparator would run Lua from inside C where the budget hook cannot yield. Comparing two strings
          -- reads them, and an element meets about one other per level of the sort, so each string's length is
          -- charged once per level too: on n*log(n) alone, 30,000 references to twelve 1 MB strings sorted for 12 s.
          sort = function(list, comparator)
            if comparator ~= nil then error('table.sort with a comparator is not available in rules', 2) end
            local n, bytes = length_of(list), 0
            for i = 1, n do
              local item = list[i]
              if type(item) == 'string' then bytes = bytes + #item end
            end
            spend((n + bytes / 16) * log(n + 1, 2))
            return sort(list)
          end,
          pack = table.pack,
        }

        local utf8_len, utf8_offset, utf8_codepoint = utf8.len, utf8.offset, utf8.codepoint
        local bounded_utf8 = {
          char = utf8.char, charpattern = utf8.charpattern, codes = utf8.codes,
          len = function(s, ...) spend(size_of(s) / 16) return utf8_len(s, ...) end,
          offset = function(s, ...) spend(size_of(s) / 16) return utf8_offset(s, ...) end,
          codepoint = function(s, ...) spend(size_of(s) / 16) return utf8_codepoint(s, ...) end,
        }

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

        local libraries = {
          math = read_only(safe_math, 'math'),
          string = read_only(copy(string, { 'byte', 'char', 'format', 'len', 'lower', 'rep', 'reverse', 'sub', 'upper' }), 'string'),
          table = read_only(bounded_table, 'table'),
          utf8 = read_only(bounded_utf8, 'utf8'),
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
