using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace ModelManifest.Checkpoints.Pickle;

/// <summary>A global the pickle names that a weights-only load would refuse.</summary>
internal sealed record PickleFinding(string Module, string Name, long Offset, bool Dangerous);

/// <summary>The result of running one pickle: its value and every disallowed global it named.</summary>
internal sealed record PickleResult(object? Value, IReadOnlyList<PickleFinding> Findings, long Length);

/// <summary>
/// A pickle interpreter for protocols 0–5 that never imports or calls anything. Globals become inert
/// <see cref="PyGlobal"/> nodes judged by <see cref="PickleGlobals"/>; calls become <see cref="PyCall"/> records
/// (except the few allow-listed constructors whose meaning is plain data, such as <c>OrderedDict()</c>).
/// One loop, no recursion; every opcode creates O(1) objects, so memory is linear in the input, and the stack,
/// memo and big-integer sizes are capped.
/// </summary>
internal sealed class PickleMachine
{
    /// <summary>Most values on the stack at once.</summary>
    public const int MaxStack = 1 << 22;

    /// <summary>Most memo entries.</summary>
    public const int MaxMemo = 1 << 22;

    /// <summary>Most bytes of a LONG1/LONG4/LONG integer (Python allows more; checkpoints never need it).</summary>
    public const int MaxLongBytes = 1024;

    private static readonly object s_mark = new();

    private readonly byte[] _data;
    private readonly string _where;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private readonly List<PickleFinding> _findings = [];
    private int _pos;
    private long _opOffset;
    private int _protocol;

    private PickleMachine(byte[] data, int start, string where)
    {
        _data = data;
        _pos = start;
        _where = where;
    }

    /// <summary>Runs the pickle that starts at <paramref name="start"/> in <paramref name="data"/> up to its STOP.</summary>
    /// <param name="data">The bytes holding the pickle.</param>
    /// <param name="where">Names the pickle in error messages (for example <c>archive/data.pkl</c>).</param>
    /// <param name="start">Offset of the pickle's first opcode in <paramref name="data"/>.</param>
    /// <exception cref="CheckpointFormatException">The pickle is malformed or exceeds a limit.</exception>
    public static PickleResult Run(byte[] data, string where, int start = 0)
    {
        var machine = new PickleMachine(data, start, where);
        object? value = machine.Execute();
        return new PickleResult(value, machine._findings, machine._pos - start);
    }

    private CheckpointFormatException Error(string reason) =>
        new(CheckpointFormat.Torch, 0, $"{_where}: pickle offset {_opOffset}: {reason}");

    private object? Execute()
    {
        while (true)
        {
            _opOffset = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    _protocol = ReadByte();
                    if (_protocol > 5)
                    {
                        throw Error($"unsupported pickle protocol {_protocol}");
                    }

                    break;
                case 0x95: // FRAME: only a length hint
                    _ = Take(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Error($"STOP with {_stack.Count} values on the stack");
                    }

                    return Pop();

                // Marks and stack manipulation.
                case (byte)'(': _marks.Add(_stack.Count); break;
                case (byte)'0': _ = Pop(); break;
                case (byte)'1': _ = PopMark(); break;
                case (byte)'2': Push(Peek()); break;

                // Constants and numbers.
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: Push(Long(Take(ReadByte()))); break;
                case 0x8b: Push(Long(Take(Length(BinaryPrimitives.ReadInt32LittleEndian(Take(4)), MaxLongBytes)))); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case (byte)'I': Push(TextInt(Line())); break;
                case (byte)'L': Push(TextLong(Line())); break;
                case (byte)'F': Push(TextFloat(Line())); break;

                // Strings and bytes.
                case (byte)'X': Push(Utf8(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break;
                case 0x8c: Push(Utf8(Take(ReadByte()))); break;
                case 0x8d: Push(Utf8(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))))); break;
                case (byte)'V': Push(RawUnicodeEscape(Line())); break;
                case (byte)'S': Push(QuotedString(Line())); break;
                case (byte)'T': Push(Latin1(Take(Length(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))))); break;
                case (byte)'U': Push(Latin1(Take(ReadByte()))); break;
                case (byte)'B': Push(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray()); break;
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break;
                case 0x8e: Push(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray()); break;
                case 0x96: Push(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray()); break;
                case 0x97: throw Error("NEXT_BUFFER: out-of-band buffers are not part of a checkpoint");
                case 0x98: break; // READONLY_BUFFER: no effect on an inert value

                // Containers.
                case (byte)')': Push(PyTuple.Empty); break;
                case (byte)'t': Push(new PyTuple(PopMark())); break;
                case 0x85: Push(new PyTuple([Pop()])); break;
                case 0x86: { object? b = Pop(), a = Pop(); Push(new PyTuple([a, b])); break; }
                case 0x87: { object? c = Pop(), b = Pop(), a = Pop(); Push(new PyTuple([a, b, c])); break; }
                case (byte)']': Push(new PyList()); break;
                case (byte)'l': { var list = new PyList(); list.Items.AddRange(PopMark()); Push(list); break; }
                case (byte)'}': Push(new PyDict()); break;
                case (byte)'d': Push(Dict(PopMark())); break;
                case 0x8f: Push(new PySet()); break;
                case 0x91: { var set = new PySet(); set.Items.AddRange(PopMark()); Push(set); break; }
                case (byte)'a': { object? item = Pop(); Append(Peek(), [item]); break; }
                case (byte)'e': { object?[] items = PopMark(); Append(Peek(), items); break; }
                case (byte)'s': { object? v = Pop(), k = Pop(); SetItems(Peek(), [k, v]); break; }
                case (byte)'u': { object?[] items = PopMark(); SetItems(Peek(), items); break; }
                case 0x90: { object?[] items = PopMark(); AddItems(Peek(), items); break; }

                // Memo.
                case (byte)'p': Put(TextIndex(Line())); break;
                case (byte)'q': Put(ReadByte()); break;
                case (byte)'r': Put(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
                case 0x94: Put(_memo.Count); break;
                case (byte)'g': Push(Get(TextIndex(Line()))); break;
                case (byte)'h': Push(Get(ReadByte())); break;
                case (byte)'j': Push(Get(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;

                // Globals, calls and objects: recorded, never resolved or run.
                case (byte)'c': { string module = Ascii(Line()); Push(Global(module, Ascii(Line()))); break; }
                case 0x93: { object? name = Pop(), module = Pop(); Push(Global(Text(module, "module"), Text(name, "name"))); break; }
                case 0x82: Push(Extension(ReadByte())); break;
                case 0x83: Push(Extension(BinaryPrimitives.ReadUInt16LittleEndian(Take(2)))); break;
                case 0x84: Push(Extension(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))); break;
                case (byte)'R': { object? args = Pop(), callable = Pop(); Push(Call(callable, Tuple(args))); break; }
                case 0x81: { object? args = Pop(), cls = Pop(); Push(Call(cls, Tuple(args))); break; }
                case 0x92: { _ = Pop(); object? args = Pop(), cls = Pop(); Push(Call(cls, Tuple(args))); break; }
                case (byte)'i':
                {
                    string module = Ascii(Line());
                    PyGlobal cls = Global(module, Ascii(Line()));
                    Push(Call(cls, new PyTuple(PopMark())));
                    break;
                }

                case (byte)'o':
                {
                    object?[] items = PopMark();
                    if (items.Length == 0)
                    {
                        throw Error("OBJ without a class");
                    }

                    Push(Call(items[0], new PyTuple(items[1..])));
                    break;
                }

                case (byte)'b': { object? state = Pop(); Build(Peek(), state); break; }
                case (byte)'Q': Push(new PyPersistent(Pop(), _opOffset)); break;
                case (byte)'P': Push(new PyPersistent(Ascii(Line()), _opOffset)); break;
                default:
                    throw Error($"unknown opcode 0x{op:x2}");
            }
        }
    }

    private byte ReadByte()
    {
        if (_pos >= _data.Length)
        {
            throw Error("truncated: the pickle ends before STOP");
        }

        return _data[_pos++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _pos)
        {
            throw Error($"truncated: {count} bytes declared, {_data.Length - _pos} left");
        }

        var span = new ReadOnlySpan<byte>(_data, _pos, count);
        _pos += count;
        return span;
    }

    private int Length(long declared, long limit = int.MaxValue)
    {
        if (declared < 0 || declared > _data.Length - _pos || declared > limit)
        {
            throw Error($"a length of {declared} bytes exceeds the {_data.Length - _pos} bytes left");
        }

        return (int)declared;
    }

    private int Length(ulong declared) => Length(declared > long.MaxValue ? -1 : (long)declared);

    private ReadOnlySpan<byte> Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0)
        {
            throw Error("truncated: a text argument has no end of line");
        }

        var line = new ReadOnlySpan<byte>(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStack)
        {
            throw Error($"more than {MaxStack} values on the pickle stack");
        }

        _stack.Add(value);
    }

    private object? Pop()
    {
        int floor = _marks.Count == 0 ? 0 : _marks[^1];
        if (_stack.Count <= floor)
        {
            throw Error("stack underflow");
        }

        object? v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek()
    {
        int floor = _marks.Count == 0 ? 0 : _marks[^1];
        if (_stack.Count <= floor)
        {
            throw Error("stack underflow");
        }

        return _stack[^1];
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Error("no MARK on the stack");
        }

        int at = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        object?[] items = _stack.GetRange(at, _stack.Count - at).ToArray();
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    private void Put(long index)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index))
        {
            throw Error($"more than {MaxMemo} memo entries");
        }

        _memo[index] = Peek();
    }

    private object? Get(long index) =>
        _memo.TryGetValue(index, out object? v) ? v : throw Error($"memo entry {index} was never stored");

    private PyTuple Tuple(object? value) => value as PyTuple ?? throw Error("call arguments are not a tuple");

    private PyDict Dict(object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Error("a dict needs key/value pairs");
        }

        var dict = new PyDict();
        for (int i = 0; i < items.Length; i += 2)
        {
            dict.Set(items[i], items[i + 1]);
        }

        return dict;
    }

    private void Append(object? target, object?[] items)
    {
        switch (target)
        {
            case PyList list: list.Items.AddRange(items); break;
            case PyCall call: call.Added.AddRange(items); break;
            default: throw Error($"APPEND to a {Describe(target)}");
        }
    }

    private void SetItems(object? target, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Error("SETITEMS needs key/value pairs");
        }

        switch (target)
        {
            case PyDict dict:
                for (int i = 0; i < items.Length; i += 2)
                {
                    dict.Set(items[i], items[i + 1]);
                }

                break;
            case PyCall call: call.Added.AddRange(items); break;
            default: throw Error($"SETITEM on a {Describe(target)}");
        }
    }

    private void AddItems(object? target, object?[] items)
    {
        if (target is not PySet set)
        {
            throw Error($"ADDITEMS on a {Describe(target)}");
        }

        set.Items.AddRange(items);
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PyCall call: call.State = state; break;

            // OrderedDict's BUILD carries instance attributes (a state dict's _metadata); the data is already in.
            case PyDict: break;
            default: throw Error($"BUILD on a {Describe(target)}");
        }
    }

    private PyGlobal Global(string module, string name)
    {
        if (module.Length == 0 || name.Length == 0)
        {
            throw Error("a global with an empty module or name");
        }

        module = PickleGlobals.Python3Module(module, _protocol);
        PickleGlobalKind kind = PickleGlobals.Classify(module, name);
        if (kind != PickleGlobalKind.Allowed)
        {
            _findings.Add(new PickleFinding(module, name, _opOffset, kind == PickleGlobalKind.Dangerous));
        }

        return new PyGlobal(module, name, _opOffset, kind);
    }

    private PyGlobal Extension(int code)
    {
        // The copyreg extension registry maps codes to arbitrary globals; torch never uses it.
        _findings.Add(new PickleFinding("copyreg", $"extension {code}", _opOffset, Dangerous: false));
        return new PyGlobal("copyreg", $"extension {code}", _opOffset, PickleGlobalKind.Unknown);
    }

    private object? Call(object? callable, PyTuple args)
    {
        if (callable is PyGlobal { Kind: PickleGlobalKind.Allowed } g)
        {
            switch (g.FullName)
            {
                // Constructors whose result is plain data; the items follow as SETITEMS.
                case "collections.OrderedDict" or "typing.OrderedDict" when args.Items.Length == 0:
                    return new PyDict();
                case "torch.Size" when args.Items is [PyTuple dims]:
                    return dims;
            }
        }
        else if (callable is not (PyGlobal or PyCall))
        {
            throw Error($"a call of a {Describe(callable)}");
        }

        return new PyCall(callable, args, _opOffset);
    }

    private string Text(object? value, string what) =>
        value as string ?? throw Error($"STACK_GLOBAL {what} is a {Describe(value)}, not a string");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PyGlobal g => "global " + g.FullName,
        PyCall => "call result",
        PyList => "list",
        PyDict => "dict",
        PyTuple => "tuple",
        PySet => "set",
        string => "str",
        byte[] => "bytes",
        _ => value.GetType().Name,
    };

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return BinaryCursor.s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8");
        }
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private string Ascii(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
        {
            if (b is < 0x20 or > 0x7e)
            {
                throw Error("a global's name is not printable ASCII");
            }
        }

        return Encoding.ASCII.GetString(line);
    }

    private object Long(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLongBytes)
        {
            throw Error($"an integer of {bytes.Length} bytes (limit {MaxLongBytes})");
        }

        if (bytes.Length <= 8)
        {
            Span<byte> eight = stackalloc byte[8];
            byte fill = bytes.Length > 0 && (bytes[^1] & 0x80) != 0 ? (byte)0xff : (byte)0;
            eight.Fill(fill);
            bytes.CopyTo(eight);
            return BinaryPrimitives.ReadInt64LittleEndian(eight);
        }

        return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    private object TextInt(ReadOnlySpan<byte> line)
    {
        // Protocol 0 spells True and False as INT 01 and 00.
        if (line.SequenceEqual("01"u8))
        {
            return true;
        }

        if (line.SequenceEqual("00"u8))
        {
            return false;
        }

        return TextLong(line);
    }

    private object TextLong(ReadOnlySpan<byte> line)
    {
        string text = Ascii(line).TrimEnd('L');
        if (text.Length > MaxLongBytes * 3)
        {
            throw Error($"an integer of {text.Length} digits");
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            return v;
        }

        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger big)
            ? big : throw Error($"'{text}' is not an integer");
    }

    private long TextIndex(ReadOnlySpan<byte> line) =>
        TextLong(line) is long v and >= 0 ? v : throw Error("a memo index is not a small non-negative integer");

    private double TextFloat(ReadOnlySpan<byte> line)
    {
        string text = Ascii(line);
        return text switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Error($"'{text}' is not a float"),
        };
    }

    /// <summary>Protocol 0 STRING: a Python repr, quoted with ' or ", with backslash escapes.</summary>
    private string QuotedString(ReadOnlySpan<byte> line)
    {
        if (line.Length < 2 || line[0] != line[^1] || line[0] is not ((byte)'\'' or (byte)'"'))
        {
            throw Error("a STRING argument is not quoted");
        }

        ReadOnlySpan<byte> body = line[1..^1];
        var sb = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\')
            {
                sb.Append((char)body[i]);
                continue;
            }

            if (++i >= body.Length)
            {
                throw Error("a STRING ends in a backslash");
            }

            switch ((char)body[i])
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case '0': sb.Append('\0'); break;
                case 'x' when i + 2 < body.Length && IsHex(body[i + 1]) && IsHex(body[i + 2]):
                    sb.Append((char)Convert.ToByte(Encoding.ASCII.GetString(body.Slice(i + 1, 2)), 16));
                    i += 2;
                    break;
                default: sb.Append((char)body[i]); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Protocol 0 UNICODE: raw-unicode-escape (Latin-1 with \uXXXX and \UXXXXXXXX).</summary>
    private string RawUnicodeEscape(ReadOnlySpan<byte> line)
    {
        var sb = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            int digits = line[i] == '\\' && i + 1 < line.Length ? line[i + 1] switch { (byte)'u' => 4, (byte)'U' => 8, _ => 0 } : 0;
            if (digits > 0 && i + 2 + digits <= line.Length
                && uint.TryParse(Encoding.ASCII.GetString(line.Slice(i + 2, digits)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint cp))
            {
                if (cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF && digits == 8)
                {
                    throw Error("a UNICODE escape is not a code point");
                }

                sb.Append(cp <= 0xFFFF ? ((char)cp).ToString() : char.ConvertFromUtf32((int)cp));
                i += 1 + digits;
                continue;
            }

            sb.Append((char)line[i]);
        }

        return sb.ToString();
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
}
