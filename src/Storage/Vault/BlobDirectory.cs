using IdentityEhr.Identity.Multiformats;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// The directory backend of the vault: one file per ciphertext, named by its content id, in a subfolder named by the id's last
/// two characters. A file is written whole (temporary file, flush to disk, rename) before its version's commit, and deleted
/// after its record's erasure commits; a file no version names (a commit that failed) is removed by the sweep.
/// </summary>
internal sealed class BlobDirectory
{
    private const string TemporaryFolder = "tmp";
    private readonly string _root;

    public BlobDirectory(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(_root, TemporaryFolder));
    }

    public async Task WriteAsync(string contentId, byte[] ciphertext, CancellationToken cancellationToken)
    {
        var path = PathOf(contentId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(_root, TemporaryFolder, Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(ciphertext, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public async Task<byte[]?> ReadAsync(string contentId, CancellationToken cancellationToken)
    {
        var path = PathOf(contentId);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > RecordVault.MaxRecordBytes + RecordCipher.Overhead)
            {
                return null;
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string contentId) => File.Delete(PathOf(contentId));

    /// <summary>Deletes temporary files (of writes that never finished) last written before <paramref name="before"/>.</summary>
    public int DeleteTemporaryFiles(DateTimeOffset before)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, TemporaryFolder)))
        {
            if (File.GetLastWriteTimeUtc(file) < before.UtcDateTime)
            {
                File.Delete(file);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Lists the content ids of files last written before <paramref name="before"/>.</summary>
    public IEnumerable<string> List(DateTimeOffset before)
    {
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            if (Path.GetFileName(folder) == TemporaryFolder)
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (ContentId.TryParse(name, out _) && File.GetLastWriteTimeUtc(file) < before.UtcDateTime)
                {
                    yield return name;
                }
            }
        }
    }

    private string PathOf(string contentId)
    {
        // Only a canonical content id names a file: nothing else can reach outside the folder.
        if (!ContentId.TryParse(contentId, out var cid))
        {
            throw new ArgumentException("Not a content id.", nameof(contentId));
        }

        return Path.Combine(_root, cid.Text[^2..], cid.Text);
    }
}
