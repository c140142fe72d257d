using System.Security.Cryptography;
using System.Text;
using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// The custody key's file: one line, <c>ehr-custody-key-v1 &lt;base64url of 32 bytes&gt;</c>, readable by the service's user only.
/// A rotation first writes the next key beside it (<c>&lt;file&gt;.next</c>), rewraps, then replaces the file with the next key:
/// a start that finds both holds both, so an interrupted rotation loses no key and is finished by running it again.
/// </summary>
public static class CustodyKeyFile
{
    private const string Prefix = "ehr-custody-key-v1 ";

    /// <summary>The suffix of the next key's file during a rotation.</summary>
    public const string NextSuffix = ".next";

    /// <summary>Reads the custody keys, making a fresh key file first when there is none.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The ring: the next key as current when a rotation was interrupted, with the old one beside it.</returns>
    /// <exception cref="InvalidDataException">A key file is not in the format (the message names the file, never its content).</exception>
    /// <exception cref="IOException">A file cannot be read or written.</exception>
    public static CustodyKeyRing LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !File.Exists(path + NextSuffix))
        {
            using var fresh = CustodyKey.Generate();
            Write(path, fresh);
        }

        return Load(path);
    }

    /// <summary>Reads the custody keys.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The ring.</returns>
    /// <exception cref="FileNotFoundException">Neither the file nor a next key exists.</exception>
    /// <exception cref="InvalidDataException">A key file is not in the format.</exception>
    public static CustodyKeyRing Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var current = File.Exists(path) ? Read(path) : null;
        var next = File.Exists(path + NextSuffix) ? Read(path + NextSuffix) : null;
        return (current, next) switch
        {
            (null, null) => throw new FileNotFoundException($"The custody key file '{path}' does not exist.", path),
            (_, not null) => current is null ? new CustodyKeyRing(next) : new CustodyKeyRing(next, current),
            _ => new CustodyKeyRing(current!),
        };
    }

    /// <summary>Starts a rotation: writes a fresh key to <c>&lt;file&gt;.next</c>, durably, before any data key is rewrapped with it.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The next key.</returns>
    /// <exception cref="IOException">A rotation is already in progress (the next file exists), or it cannot be written.</exception>
    public static CustodyKey BeginRotation(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var next = CustodyKey.Generate();
        try
        {
            Write(path + NextSuffix, next);
            return next;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Ends a rotation once every data key is rewrapped: overwrites the old key's file with zeros, then renames the next key's
    /// file over it, so the old key's bytes are gone from the file system's view.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <exception cref="FileNotFoundException">No rotation is in progress.</exception>
    public static void CompleteRotation(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var next = path + NextSuffix;
        if (!File.Exists(next))
        {
            throw new FileNotFoundException($"No custody key rotation is in progress for '{path}'.", next);
        }

        if (File.Exists(path))
        {
            using var old = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            var zeros = new byte[old.Length];
            old.Write(zeros);
            old.Flush(flushToDisk: true);
        }

        File.Move(next, path, overwrite: true);
    }

    private static CustodyKey Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 256)
        {
            throw new InvalidDataException($"The custody key file '{path}' is not a custody key (too long).");
        }

        var text = File.ReadAllText(path, Encoding.ASCII).TrimEnd('\n');
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !Base64UrlText.TryDecode(text.AsSpan(Prefix.Length), out var bytes) || bytes.Length != CustodyKey.KeySize)
        {
            throw new InvalidDataException($"The custody key file '{path}' is not a custody key: expected one line '{Prefix.TrimEnd()} <base64url of 32 bytes>'.");
        }

        try
        {
            return CustodyKey.FromBytes(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static void Write(string path, CustodyKey key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var bytes = key.ExportBytes();
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Prefix + Base64UrlText.Encode(bytes) + "\n"));
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
