using System.Globalization;
using System.Text;

namespace IdentityEhr.Ethereum.Crypto;

/// <summary>EIP-191 version 0x45 (<c>personal_sign</c>): the hash of "\x19Ethereum Signed Message:\n" ‖ length ‖ message.</summary>
public static class PersonalMessage
{
    /// <summary>Hashes a message as <c>personal_sign</c> does before signing it.</summary>
    /// <param name="message">The message bytes.</param>
    /// <returns>The 32-byte Keccak-256 hash.</returns>
    public static byte[] Hash(ReadOnlySpan<byte> message)
    {
        var prefix = Encoding.ASCII.GetBytes("\u0019Ethereum Signed Message:\n" + message.Length.ToString(CultureInfo.InvariantCulture));
        var data = new byte[prefix.Length + message.Length];
        prefix.CopyTo(data, 0);
        message.CopyTo(data.AsSpan(prefix.Length));
        return Keccak256.HashData(data);
    }
}
