using System.Runtime.CompilerServices;

namespace IdentityEhr.AuditLog.Internal;

/// <summary>The 32 bytes of a SHA-256 value, stored inline so tree hashes are values, not heap arrays.</summary>
[InlineArray(32)]
internal struct HashBuffer
{
    private byte _element0;
}
