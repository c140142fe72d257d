using IdentityEhr.AuditLog.Notes;

namespace IdentityEhr.Cli;

/// <summary>Reads the log's note verifier key given on the command line: the vkey itself, or <c>@file</c> holding it.</summary>
internal static class LogKeys
{
    public static NoteVerifierKey Parse(string text)
    {
        var value = text.StartsWith('@') ? System.Text.Encoding.UTF8.GetString(Commands.CredentialFiles.ReadBytes(text[1..], 4096)).Trim() : text.Trim();
        return NoteVerifierKey.TryParse(value, out var key, out var error)
            ? key
            : throw new CliException(ExitCodes.UsageError, $"--key is not a note verifier key name+keyid+base64 ({error})");
    }
}
