using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Jcs;

namespace IdentityEhr.Cli.Commands;

/// <summary>Reads and writes the JSON files the credential commands take: bounded, I-JSON, one-line errors.</summary>
internal static class CredentialFiles
{
    /// <summary>The largest credential, presentation or status list file read.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>Reads a JSON object from a file ("-" for standard input).</summary>
    public static JsonObject ReadObject(string path)
    {
        var bytes = ReadBytes(path, MaxBytes);
        if (!JsonCanonicalizer.TryCanonicalize(bytes, out _, out var error))
        {
            throw new CliException(ExitCodes.UsageError, $"{path}: {JsonCanonicalizer.Describe(error)}");
        }

        return JsonNode.Parse(bytes) as JsonObject ?? throw new CliException(ExitCodes.UsageError, $"{path}: not a JSON object");
    }

    /// <summary>Reads a whole file ("-" for standard input), refusing more than <paramref name="maxBytes"/> with a one-line reason.</summary>
    public static byte[] ReadBytes(string path, int maxBytes)
    {
        byte[] bytes;
        try
        {
            if (path == "-")
            {
                // Read at most one byte past the limit, so a huge input is refused without being held in memory.
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[maxBytes + 1];
                var length = 0;
                int read;
                while (length < buffer.Length && (read = stdin.Read(buffer, length, buffer.Length - length)) > 0)
                {
                    length += read;
                }

                bytes = buffer[..length];
            }
            else
            {
                if (new FileInfo(path).Length > maxBytes)
                {
                    throw new CliException(ExitCodes.UsageError, $"{path} is larger than {Size(maxBytes)}");
                }

                bytes = File.ReadAllBytes(path);
            }
        }
        catch (FileNotFoundException)
        {
            throw new CliException(ExitCodes.UsageError, $"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.UsageError, $"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Unavailable, $"{path}: permission denied");
        }

        return bytes.Length > maxBytes ? throw new CliException(ExitCodes.UsageError, $"{path} is larger than {Size(maxBytes)}") : bytes;
    }

    private static string Size(int bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";

    /// <summary>Reads a file that holds a compact JWS (a <c>vc+jwt</c>), or returns null when it holds something else (JSON).</summary>
    public static string? ReadCompactJws(string path)
    {
        if (path == "-" || !File.Exists(path) || new FileInfo(path).Length > MaxBytes)
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return text.Length > 0 && text.Count(c => c == '.') == 2 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? text : null;
    }

    /// <summary>Writes a document to a file, or to the output when no file is given.</summary>
    public static async Task WriteAsync(CliContext context, JsonObject document, string? path)
    {
        var text = document.ToJsonString(s_indented);
        if (path is null)
        {
            await context.Output.WriteLineAsync(text);
            return;
        }

        try
        {
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, text + "\n");
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Unavailable, $"cannot write {path}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}");
        }
    }
}
