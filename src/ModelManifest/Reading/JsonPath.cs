using System.Globalization;
using System.Text;

namespace ModelManifest.Reading;

/// <summary>
/// Where a value sits in a manifest ("models[0].assets[1].sha256"), built as a chain and formatted only when a
/// diagnostic needs it, so validating a valid manifest allocates no path strings.
/// </summary>
internal sealed class JsonPath
{
    public static readonly JsonPath Root = new(null, null, -1);

    private readonly JsonPath? _parent;
    private readonly string? _name;
    private readonly int _index;

    private JsonPath(JsonPath? parent, string? name, int index)
    {
        _parent = parent;
        _name = name;
        _index = index;
    }

    public JsonPath Property(string name) => new(this, name, -1);

    public JsonPath Item(int index) => new(this, null, index);

    public override string ToString()
    {
        if (_parent is null)
        {
            return "manifest";
        }

        var sb = new StringBuilder();
        Append(sb);
        return sb.ToString();
    }

    private void Append(StringBuilder sb)
    {
        if (_parent is null)
        {
            return;
        }

        _parent.Append(sb);
        if (_name is not null)
        {
            sb.Append(sb.Length == 0 ? string.Empty : ".").Append(_name);
        }
        else
        {
            sb.Append('[').Append(_index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
    }
}
