using System.Buffers.Binary;
using System.Text;

namespace IdentityEhr.Storage.Vault;

/// <summary>
/// Which record version a ciphertext belongs to: the associated data of its AES-256-GCM encryption, so a ciphertext moved to
/// another record, patient or version, or relabelled as another FHIR resource type (which a consent's scope names), fails to
/// decrypt instead of passing as the other's.
/// </summary>
/// <param name="RecordId">The record's id (printable ASCII, 1 to 256 characters).</param>
/// <param name="PatientDid">The patient's DID (at most 2,048 characters).</param>
/// <param name="ResourceType">The FHIR resource type (an upper-case ASCII letter, then ASCII letters; 64 at most).</param>
/// <param name="Version">The version, from 1.</param>
public sealed record RecordAddress(string RecordId, string PatientDid, string ResourceType, int Version)
{
    private static readonly byte[] s_label = "identityehr/record/v1"u8.ToArray();

    /// <summary>Writes the associated data: a label, then each field length-prefixed, so no two addresses share bytes.</summary>
    /// <returns>label ‖ 0x00 ‖ u16 length ‖ record id ‖ u16 length ‖ patient DID ‖ u16 length ‖ resource type ‖ u32 version (big-endian).</returns>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public byte[] ToAssociatedData()
    {
        if (RecordId is not { Length: > 0 and <= 256 } || RecordId.Any(c => c is <= ' ' or >= (char)0x7F))
        {
            throw new ArgumentException("A record id is 1 to 256 printable ASCII characters without spaces.", nameof(RecordId));
        }

        if (PatientDid is not { Length: > 0 and <= 2048 } || !Ascii.IsValid(PatientDid))
        {
            throw new ArgumentException("A patient DID is 1 to 2,048 ASCII characters.", nameof(PatientDid));
        }

        if (!IsResourceType(ResourceType))
        {
            throw new ArgumentException("A FHIR resource type is an upper-case ASCII letter followed by up to 63 ASCII letters.", nameof(ResourceType));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Version, 1);
        var bytes = new byte[s_label.Length + 1 + 2 + RecordId.Length + 2 + PatientDid.Length + 2 + ResourceType.Length + 4];
        var span = bytes.AsSpan();
        s_label.CopyTo(span);
        var offset = s_label.Length + 1;
        offset = Field(span, offset, RecordId);
        offset = Field(span, offset, PatientDid);
        offset = Field(span, offset, ResourceType);
        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], (uint)Version);
        return bytes;
    }

    /// <summary>Whether a name has the shape of a FHIR resource type: an upper-case ASCII letter, then ASCII letters, 64 at most.</summary>
    /// <param name="resourceType">The name.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool IsResourceType(string? resourceType) =>
        resourceType is { Length: > 0 and <= 64 } && char.IsAsciiLetterUpper(resourceType[0]) && resourceType.All(char.IsAsciiLetter);

    private static int Field(Span<byte> span, int offset, string value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)value.Length);
        Encoding.ASCII.GetBytes(value, span[(offset + 2)..]);
        return offset + 2 + value.Length;
    }
}
