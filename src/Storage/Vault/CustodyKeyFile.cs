using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// The custody key's file: one line, <c>ehr-custody-key-v1 &lt;base64url of 32 bytes&gt;</c>, readable by the service's user only.
/// A rotation first writes the next key beside it (<c>&lt;file&gt;.next</c>), rewraps, then replaces the file with the next key:
/// a start that finds both holds both, so an interrupted rotation loses no key and is finished by running it again.
/// </summary>
public static class CustodyKeyFile
{
    private const string Prefix = "ehr-custody-key-v1 ";

    /// <summary>The variable that names the custody key file, for the service and the CLI.</summary>
    public const string Variable = "EHR_CUSTODY_KEY_FILE";

    /// <summary>The key file's name in the service's data folder when <see cref="Variable"/> is unset.</summary>
    public const string DefaultFileName = "custody.key";

    /// <summary>The suffix of the next key's file during a rotation.</summary>
    public const string NextSuffix = ".next";

    /// <summary>The suffix the old key's file has for the moment between the two renames that end a rotation.</summary>
    public const string OldSuffix = ".old";

    /// <summary>Reads the custody keys, making a fresh key file first when there is none.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The ring: the next key as current when a rotation was interrupted, with the old one beside it.</returns>
    /// <exception cref="InvalidDataException">A key file is not in the format (the message names the file, never its content).</exception>
    /// <exception cref="IOException">A file cannot be read or written.</exception>
    public static CustodyKeyRing LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) && !File.Exists(path + NextSuffix) && !File.Exists(path + OldSuffix))
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
        var old = File.Exists(path + OldSuffix) ? Read(path + OldSuffix) : null;
        var newest = next ?? current ?? throw new FileNotFoundException($"The custody key file '{path}' does not exist.", path);
        return new CustodyKeyRing(newest, new[] { current, old }.OfType<CustodyKey>().Where(k => k != newest));
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
        var old = path + OldSuffix;
        if (!File.Exists(next))
        {
            if (!File.Exists(old))
            {
                throw new FileNotFoundException($"No custody key rotation is in progress for '{path}'.", next);
            }

            // Stopped after the next key was put in place: only the old key's file is left to clear.
            Wipe(old);
            return;
        }

        // Old aside, next in place, then the old one overwritten and deleted: a crash at any step leaves a loadable set of files
        // (Load holds the next key, and an old key beside it, in every state in between).
        if (File.Exists(path))
        {
            File.Move(path, old, overwrite: true);
        }

        File.Move(next, path);
        Wipe(old);
    }

    private static void Wipe(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            stream.Write(new byte[stream.Length]);
            stream.Flush(flushToDisk: true);
        }

        File.Delete(path);
    }

    private static CustodyKey Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 256)
        {
            throw new InvalidDataException($"The custody key file '{path}' is not a custody key (too long).");
        }

        // Read and parsed as bytes, cleared after: no string ever holds the key.
        var bytes = File.ReadAllBytes(path);
        var key = new byte[CustodyKey.KeySize];
        try
        {
            var prefix = Encoding.ASCII.GetBytes(Prefix);
            var text = bytes.AsSpan();
            if (text.EndsWith((byte)'\n'))
            {
                text = text[..^1];
            }

            if (!text.StartsWith(prefix) || text.Length - prefix.Length != Base64Url.GetEncodedLength(CustodyKey.KeySize)
                || Base64Url.DecodeFromUtf8(text[prefix.Length..], key, out _, out var written) != System.Buffers.OperationStatus.Done || written != key.Length)
            {
                throw new InvalidDataException($"The custody key file '{path}' is not a custody key: expected one line '{Prefix.TrimEnd()} <base64url of 32 bytes>'.");
            }

            return CustodyKey.FromBytes(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(key);
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
        var prefix = Encoding.ASCII.GetBytes(Prefix);
        var line = new byte[prefix.Length + Base64Url.GetEncodedLength(bytes.Length) + 1];
        try
        {
            prefix.CopyTo(line, 0);
            Base64Url.EncodeToUtf8(bytes, line.AsSpan(prefix.Length));
            line[^1] = (byte)'\n';
            using var stream = new FileStream(path, options);
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(line);
        }
    }
}
