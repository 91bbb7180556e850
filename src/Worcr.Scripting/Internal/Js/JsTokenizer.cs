using System.Text;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// A small JavaScript tokenizer: enough to tell code from strings, comments, regex literals and template
/// literals (whose <c>${...}</c> parts are code and are tokenized too), so the guard rewriter and the
/// forbidden-construct check only ever look at real code. String tokens carry their raw content.
/// </summary>
internal sealed class JsTokenizer
{
    private static readonly HashSet<string> WordsBeforeExpression =
        ["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"];

    private const string MultiCharPunctuators = ">>>= ... === !== **= <<= >>= >>> && || ?? ?. ++ -- == != <= >= += -= *= /= %= &= |= ^= ** << >> =>";

    private static readonly string[] Punctuators = MultiCharPunctuators.Split(' ');

    private readonly string _source;
    private readonly List<JsToken> _tokens = [];
    private readonly Stack<bool> _braceIsTemplate = new();
    private int _position;
    private int _line = 1;

    private JsTokenizer(string source) => _source = source;

    public static IReadOnlyList<JsToken> Tokenize(string source)
    {
        var tokenizer = new JsTokenizer(source);
        tokenizer.Run();
        return tokenizer._tokens;
    }

    private void Run()
    {
        while (SkipSpaceAndComments())
        {
            ReadToken();
        }
    }

    private bool SkipSpaceAndComments()
    {
        while (_position < _source.Length)
        {
            var c = _source[_position];
            if (c == '\n')
            {
                _line++;
                _position++;
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (StartsWith("//"))
            {
                SkipUntil("\n", consumeEnd: false);
            }
            else if (StartsWith("/*"))
            {
                _position += 2;
                SkipUntil("*/", consumeEnd: true);
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private void ReadToken()
    {
        var c = _source[_position];
        if (c is '"' or '\'')
        {
            ReadString(c);
        }
        else if (c == '`')
        {
            _position++;
            ReadTemplateText();
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            ReadWhile(JsTokenKind.Number, ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_');
        }
        else if (IsWordChar(c))
        {
            ReadWhile(JsTokenKind.Word, IsWordChar);
        }
        else if (c == '/' && RegexMayStartHere())
        {
            ReadRegex();
        }
        else
        {
            ReadPunctuator();
        }
    }

    private void ReadPunctuator()
    {
        var c = _source[_position];
        if (c == '}' && _braceIsTemplate.Count > 0 && _braceIsTemplate.Pop())
        {
            _position++; // the end of a ${...} substitution: back inside the template literal
            ReadTemplateText();
            return;
        }

        if (c == '{')
        {
            _braceIsTemplate.Push(false);
        }

        var text = Punctuators.FirstOrDefault(StartsWith) ?? c.ToString();
        Add(JsTokenKind.Punctuator, text, _position);
        _position += text.Length;
    }

    private void ReadString(char quote)
    {
        var start = _position++;
        var content = new StringBuilder();
        while (_position < _source.Length && _source[_position] != quote)
        {
            if (_source[_position] == '\n')
            {
                throw new JsSyntaxError("unterminated string literal", _line);
            }

            if (_source[_position] == '\\')
            {
                content.Append(_source[_position++]);
            }

            if (_position < _source.Length)
            {
                content.Append(_source[_position++]);
            }
        }

        RequireNotAtEnd("unterminated string literal");
        _position++;
        _tokens.Add(new JsToken(JsTokenKind.String, content.ToString(), start, _line));
    }

    /// <summary>Reads template text up to the closing backtick or the next <c>${</c>.</summary>
    private void ReadTemplateText()
    {
        var start = _position;
        var line = _line;
        while (_position < _source.Length && _source[_position] != '`' && !StartsWith("${"))
        {
            if (_source[_position] == '\\')
            {
                _position++;
            }

            if (_position < _source.Length && _source[_position++] == '\n')
            {
                _line++;
            }
        }

        RequireNotAtEnd("unterminated template literal");
        _tokens.Add(new JsToken(JsTokenKind.TemplateText, _source[start.._position], start, line));
        if (_source[_position] == '`')
        {
            _position++;
            return;
        }

        _position += 2;
        _braceIsTemplate.Push(true);
        if (_braceIsTemplate.Count > JsForbiddenConstructs.MaxNesting)
        {
            throw new JsSyntaxError($"template literals are nested deeper than {JsForbiddenConstructs.MaxNesting} levels", _line);
        }
    }

    private void ReadRegex()
    {
        var start = _position++;
        var inClass = false;
        while (_position < _source.Length && (inClass || _source[_position] != '/'))
        {
            var c = _source[_position++];
            if (c == '\n')
            {
                throw new JsSyntaxError("unterminated regular expression", _line);
            }

            inClass = c switch { '[' => true, ']' => false, _ => inClass };
            if (c == '\\')
            {
                _position++;
            }
        }

        RequireNotAtEnd("unterminated regular expression");
        _position++;
        while (_position < _source.Length && IsWordChar(_source[_position]))
        {
            _position++;
        }

        Add(JsTokenKind.Regex, _source[start.._position], start);
    }

    /// <summary>A slash starts a regex unless it follows something that ends an expression.</summary>
    private bool RegexMayStartHere()
    {
        if (_tokens.Count == 0)
        {
            return true;
        }

        var previous = _tokens[^1];
        return previous.Kind switch
        {
            JsTokenKind.Word => WordsBeforeExpression.Contains(previous.Text),
            JsTokenKind.Punctuator => previous.Text is not (")" or "]" or "}"),
            _ => false,
        };
    }

    private void ReadWhile(JsTokenKind kind, Func<char, bool> belongs)
    {
        var start = _position;
        while (_position < _source.Length && belongs(_source[_position]))
        {
            _position++;
        }

        Add(kind, _source[start.._position], start);
    }

    private void SkipUntil(string end, bool consumeEnd)
    {
        while (_position < _source.Length && !StartsWith(end))
        {
            if (_source[_position++] == '\n')
            {
                _line++;
            }
        }

        if (consumeEnd)
        {
            RequireNotAtEnd("unterminated comment");
            _position += end.Length;
        }
    }

    private void RequireNotAtEnd(string problem)
    {
        if (_position >= _source.Length)
        {
            throw new JsSyntaxError(problem, _line);
        }
    }

    private void Add(JsTokenKind kind, string text, int start) => _tokens.Add(new JsToken(kind, text, start, _line));

    private bool StartsWith(string text) => string.CompareOrdinal(_source, _position, text, 0, text.Length) == 0;

    private char Peek(int offset) => _position + offset < _source.Length ? _source[_position + offset] : '\0';

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c > 127;
}
