using System.Collections.Frozen;

namespace ModelManifest.Checkpoints.Pickle;

/// <summary>How a global named in a pickle is judged.</summary>
internal enum PickleGlobalKind
{
    /// <summary>On the allow-list: <c>torch.load(weights_only=True)</c> would accept it.</summary>
    Allowed,

    /// <summary>Not on the allow-list: a weights-only load refuses the file.</summary>
    Unknown,

    /// <summary>Not on the allow-list and known to run commands, code, or touch files/network when called.</summary>
    Dangerous,
}

/// <summary>
/// The allow-list with PyTorch weights-only semantics (tensor rebuild functions, storages by dtype, dtypes,
/// <c>torch.Size</c>, <c>collections.OrderedDict</c>, plain builtin containers and numbers), and the modules and
/// functions that make a pickle dangerous (as security scanners flag them).
/// </summary>
internal static class PickleGlobals
{
    /// <summary>Storage class name → (torch dtype name, element size in bytes).</summary>
    public static readonly FrozenDictionary<string, (string DType, int Size)> Storages = new Dictionary<string, (string, int)>
    {
        ["DoubleStorage"] = ("float64", 8),
        ["FloatStorage"] = ("float32", 4),
        ["HalfStorage"] = ("float16", 2),
        ["BFloat16Storage"] = ("bfloat16", 2),
        ["LongStorage"] = ("int64", 8),
        ["IntStorage"] = ("int32", 4),
        ["ShortStorage"] = ("int16", 2),
        ["CharStorage"] = ("int8", 1),
        ["ByteStorage"] = ("uint8", 1),
        ["BoolStorage"] = ("bool", 1),
        ["ComplexFloatStorage"] = ("complex64", 8),
        ["ComplexDoubleStorage"] = ("complex128", 16),
        ["QUInt8Storage"] = ("quint8", 1),
        ["QInt8Storage"] = ("qint8", 1),
        ["QInt32Storage"] = ("qint32", 4),
        ["QUInt4x2Storage"] = ("quint4x2", 1),
        ["QUInt2x4Storage"] = ("quint2x4", 1),
        ["UntypedStorage"] = ("uint8", 1),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>torch dtype attribute name → element size in bytes (also used for <c>_rebuild_tensor_v3</c>).</summary>
    public static readonly FrozenDictionary<string, int> DTypes = new Dictionary<string, int>
    {
        ["float64"] = 8, ["double"] = 8, ["float32"] = 4, ["float"] = 4, ["float16"] = 2, ["half"] = 2, ["bfloat16"] = 2,
        ["int64"] = 8, ["long"] = 8, ["int32"] = 4, ["int"] = 4, ["int16"] = 2, ["short"] = 2, ["int8"] = 1, ["uint8"] = 1,
        ["uint16"] = 2, ["uint32"] = 4, ["uint64"] = 8, ["bool"] = 1, ["complex64"] = 8, ["cfloat"] = 8, ["complex128"] = 16,
        ["cdouble"] = 16, ["complex32"] = 4, ["chalf"] = 4, ["quint8"] = 1, ["qint8"] = 1, ["qint32"] = 4, ["quint4x2"] = 1,
        ["quint2x4"] = 1, ["float8_e4m3fn"] = 1, ["float8_e5m2"] = 1, ["float8_e4m3fnuz"] = 1, ["float8_e5m2fnuz"] = 1,
        ["float8_e8m0fnu"] = 1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_allowedNames = new[]
    {
        "collections.OrderedDict", "collections.Counter", "collections.defaultdict", "typing.OrderedDict",
        "torch.Size", "torch.Tensor", "torch.device", "torch.nn.parameter.Parameter", "torch.serialization._get_layout",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor",
        "torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_wrapper_subclass",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._tensor._rebuild_from_type_v2", "torch.storage.UntypedStorage", "torch.storage.TypedStorage",
        "torch.per_tensor_affine", "torch.per_channel_affine", "torch.strided", "torch.sparse_coo", "torch.sparse_csr",
        "builtins.set", "builtins.frozenset", "builtins.complex", "builtins.int", "builtins.float", "builtins.bool",
        "builtins.str", "builtins.bytes", "builtins.bytearray", "builtins.list", "builtins.tuple", "builtins.dict",
        "builtins.slice", "builtins.range",
        "__builtin__.set", "__builtin__.frozenset", "__builtin__.complex",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_dangerousModules = new[]
    {
        "os", "posix", "nt", "subprocess", "sys", "shutil", "runpy", "webbrowser", "socket", "pty", "commands",
        "importlib", "ctypes", "pickle", "_pickle", "cPickle", "marshal", "code", "codeop", "bdb", "pdb", "timeit",
        "multiprocessing", "asyncio", "httplib", "http.client", "urllib", "urllib.request", "requests", "requests.api",
        "aiohttp", "aiohttp.client", "ftplib", "smtplib", "telnetlib", "tempfile", "glob", "pathlib", "io", "_io",
        "platform", "signal", "threading", "_thread", "site", "sysconfig", "distutils", "setuptools", "pip",
        "torch.hub", "torch._inductor", "torch.utils.cpp_extension", "numpy.testing._private.utils", "dill", "joblib",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_dangerousBuiltins = new[]
    {
        "eval", "exec", "execfile", "compile", "open", "file", "input", "raw_input", "__import__", "getattr", "setattr",
        "delattr", "globals", "locals", "vars", "breakpoint", "apply", "help", "memoryview", "type", "object",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_dangerousFunctions = new[]
    {
        "operator.attrgetter", "operator.methodcaller", "operator.itemgetter", "_operator.attrgetter",
        "_operator.methodcaller", "functools.partial", "functools.reduce", "types.FunctionType", "types.CodeType",
        "copyreg._reconstructor", "copy_reg._reconstructor",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Python 2 module names that Python 3 maps back when it loads a protocol 0–2 pickle (<c>fix_imports</c>):
    /// <c>pickle.dumps(subprocess.Popen, protocol=2)</c> writes <c>commands Popen</c>, which loads as subprocess.Popen.
    /// </summary>
    private static readonly FrozenDictionary<string, string> s_python2Modules = new Dictionary<string, string>
    {
        ["__builtin__"] = "builtins", ["exceptions"] = "builtins", ["copy_reg"] = "copyreg", ["commands"] = "subprocess",
        ["cPickle"] = "pickle", ["Queue"] = "queue", ["urllib2"] = "urllib.request", ["httplib"] = "http.client",
        ["SocketServer"] = "socketserver", ["thread"] = "_thread",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The module name Python 3 resolves for a pickle of <paramref name="protocol"/>.</summary>
    public static string Python3Module(string module, int protocol) =>
        protocol < 3 && s_python2Modules.TryGetValue(module, out string? mapped) ? mapped : module;

    /// <summary>Judges <paramref name="module"/>.<paramref name="name"/>.</summary>
    public static PickleGlobalKind Classify(string module, string name)
    {
        string full = module + "." + name;
        if (s_allowedNames.Contains(full) || (module == "torch" && (Storages.ContainsKey(name) || DTypes.ContainsKey(name)
            || name.EndsWith("Tensor", StringComparison.Ordinal) && name.Length > "Tensor".Length && IsIdentifier(name))))
        {
            return PickleGlobalKind.Allowed;
        }

        if (module is "builtins" or "__builtin__" or "__builtins__")
        {
            return s_dangerousBuiltins.Contains(name) || name.StartsWith("__", StringComparison.Ordinal) ? PickleGlobalKind.Dangerous : PickleGlobalKind.Unknown;
        }

        for (int dot = module.Length; dot > 0; dot = module.LastIndexOf('.', dot - 1))
        {
            if (s_dangerousModules.Contains(module[..dot]))
            {
                return PickleGlobalKind.Dangerous;
            }
        }

        return s_dangerousFunctions.Contains(full) ? PickleGlobalKind.Dangerous : PickleGlobalKind.Unknown;
    }

    private static bool IsIdentifier(string s) => s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
