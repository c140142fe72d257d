namespace IdentityEhr.Api.Log;

/// <summary>Key files the service makes on first start: written once, readable and writable by this user only.</summary>
internal static class SecretFile
{
    /// <summary>Creates <paramref name="path"/> (and its folder) holding <paramref name="text"/>; fails if it exists.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">ASCII text, such as an encoded key and a newline.</param>
    /// <exception cref="IOException">The file exists or cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void CreateNew(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(text);
    }
}
