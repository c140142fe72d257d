using IdentityEhr.Storage.Vault;

namespace IdentityEhr.Api.Records;

/// <summary>How the service keeps records: the custody key (from a file) and where ciphertexts live.</summary>
internal sealed class VaultOptions
{
    /// <summary>The variable naming the custody key file.</summary>
    public const string KeyFileVariable = CustodyKeyFile.Variable;

    /// <summary>The variable naming a folder for ciphertexts (the directory backend); unset keeps them in PostgreSQL.</summary>
    public const string DirectoryVariable = "EHR_VAULT_DIR";

    /// <summary>The key file's name in the data folder when <c>EHR_CUSTODY_KEY_FILE</c> is unset.</summary>
    public const string DefaultKeyFileName = CustodyKeyFile.DefaultFileName;

    private VaultOptions(CustodyKeyRing keys, string? keyFile, string? blobDirectory)
    {
        Keys = keys;
        KeyFile = keyFile;
        BlobDirectory = blobDirectory;
    }

    /// <summary>Gets the custody keys.</summary>
    public CustodyKeyRing Keys { get; }

    /// <summary>Gets the custody key file, or <see langword="null"/> for an ephemeral key (tests).</summary>
    public string? KeyFile { get; }

    /// <summary>Gets the ciphertext folder, or <see langword="null"/> for PostgreSQL.</summary>
    public string? BlobDirectory { get; }

    /// <summary>Reads the settings.</summary>
    /// <param name="lookup">Reads a variable.</param>
    /// <param name="dataDirectory">The service's data folder, or <see langword="null"/> for an ephemeral key.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">A setting is wrong; the message names the variable and the file, never the key.</exception>
    public static VaultOptions Read(Func<string, string?> lookup, string? dataDirectory)
    {
        string? Get(string name) => lookup(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var directory = Get(DirectoryVariable) is { } folder ? Path.GetFullPath(folder) : null;
        try
        {
            if (Get(KeyFileVariable) is { } given)
            {
                // A named key file must exist: making a fresh key where the operator pointed at the wrong path would leave every
                // stored record unreadable.
                var path = Path.GetFullPath(given);
                return new VaultOptions(CustodyKeyFile.Load(path), path, directory);
            }

            if (dataDirectory is null)
            {
                return new VaultOptions(new CustodyKeyRing(CustodyKey.Generate()), null, directory);
            }

            var defaultPath = Path.Combine(dataDirectory, DefaultKeyFileName);
            return new VaultOptions(CustodyKeyFile.LoadOrCreate(defaultPath), defaultPath, directory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{KeyFileVariable}: {e.Message}");
        }
    }
}
