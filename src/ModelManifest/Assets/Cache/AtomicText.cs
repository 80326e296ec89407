namespace ModelManifest.Assets;

/// <summary>Writes a small text file in the cache atomically: an exclusively created temporary file (<c>.new</c>, never mistaken for a download), then a rename over the target (a rename replaces a link itself, never its target).</summary>
internal static class AtomicText
{
    public static void Write(string path, string content)
    {
        var temp = path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".new";
        try
        {
            using (var stream = new FileStream(NoFollowFile.CreateNew(temp), FileAccess.ReadWrite))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            NoFollowFile.Delete(temp);
            throw;
        }
    }
}
