using System.Globalization;

namespace IdentityEhr.Embedded.Internal;

/// <summary>A local account read from /etc/passwd.</summary>
internal sealed record SystemUser(string Name, uint Uid, uint Gid)
{
    public static SystemUser? Find(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name
                && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                return new SystemUser(name, uid, gid);
            }
        }

        return null;
    }
}
