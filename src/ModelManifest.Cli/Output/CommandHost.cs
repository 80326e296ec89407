using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using ModelManifest.Checkpoints;
using Spectre.Console;

namespace ModelManifest.Cli.Output;

/// <summary>
/// What a command writes to: stdout as a Spectre console (plain, uncoloured and non-interactive when output is
/// redirected or NO_COLOR is set) and stderr for one-line errors. Runs a command body and turns every failure into
/// <c>error MM2xxx: ...</c> and an exit code; no stack trace ever reaches the user.
/// </summary>
internal sealed class CommandHost
{
    private CommandHost(TextWriter output, TextWriter error, bool plain)
    {
        Output = output;
        Error = error;
        Plain = plain;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (plain)
        {
            Console.Profile.Width = 160;
        }
    }

    /// <summary>The raw stdout writer (JSON goes here unformatted).</summary>
    public TextWriter Output { get; }

    /// <summary>The stderr writer.</summary>
    public TextWriter Error { get; }

    /// <summary>True when colours, markup and progress bars are off.</summary>
    public bool Plain { get; }

    /// <summary>Tables and progress.</summary>
    public IAnsiConsole Console { get; }

    public static CommandHost For(ParseResult parse)
    {
        TextWriter output = parse.InvocationConfiguration.Output;
        TextWriter error = parse.InvocationConfiguration.Error;
        bool redirected = !ReferenceEquals(output, System.Console.Out) || System.Console.IsOutputRedirected;
        bool noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new CommandHost(output, error, redirected || noColor);
    }

    /// <summary>Runs <paramref name="body"/>, mapping failures to one error line and an exit code.</summary>
    public static int Run(ParseResult parse, Func<CommandHost, int> body)
    {
        CommandHost host = For(parse);
        try
        {
            return body(host);
        }
        catch (CliException e)
        {
            host.WriteError(e.Code, e.Message);
            return e.ExitCode;
        }
        catch (CheckpointFormatException e)
        {
            host.WriteError(Diagnostics.MalformedCheckpoint, e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            host.WriteError(Diagnostics.FileNotReadable, e.Message);
            return ExitCodes.UsageError;
        }
        catch (OnnxRuntimeException e)
        {
            host.WriteError(Diagnostics.RuntimeFailed, "ONNX Runtime: " + FirstLine(e.Message));
            return ExitCodes.Findings;
        }
        catch (IOException e)
        {
            host.WriteError(Diagnostics.FileNotReadable, e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e)
        {
            host.WriteError(Diagnostics.InternalError, $"internal error ({e.GetType().Name}): {FirstLine(e.Message)}");
            return ExitCodes.UsageError;
        }
    }

    public void WriteError(string code, string message) => Error.WriteLine($"error {code}: {FirstLine(message)}");

    public void WriteWarning(string code, string message) => Error.WriteLine($"warning {code}: {FirstLine(message)}");

    /// <summary>Throws MM2001 unless <paramref name="path"/> is an existing file; returns its full path.</summary>
    public static string RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(Diagnostics.FileNotReadable, $"{path}: file not found");
        }

        return Path.GetFullPath(path);
    }

    internal static string FirstLine(string message)
    {
        string line = message.ReplaceLineEndings("\n");
        int i = line.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? line : line[..i]).Trim();
    }
}
