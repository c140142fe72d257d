using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityEhr.Credentials.Json;

namespace IdentityEhr.Credentials.Status;

/// <summary>A credential's <c>credentialStatus</c> entry pointing into a Bitstring Status List (v1.0 §2.1).</summary>
/// <param name="Id">The entry's optional URL.</param>
/// <param name="StatusPurpose"><c>revocation</c>, <c>suspension</c> or <c>message</c>.</param>
/// <param name="StatusListIndex">The entry's index in the list.</param>
/// <param name="StatusListCredential">The URL of the status list credential.</param>
/// <param name="StatusSize">Bits per entry; 1 unless stated.</param>
public sealed record BitstringStatusListEntry(string? Id, string StatusPurpose, long StatusListIndex, string StatusListCredential, int StatusSize = 1)
{
    /// <summary>The entry's <c>type</c>.</summary>
    public const string EntryType = "BitstringStatusListEntry";

    /// <summary>The purpose that makes a set bit mean "revoked for good".</summary>
    public const string Revocation = "revocation";

    /// <summary>The purpose that makes a set bit mean "suspended until cleared".</summary>
    public const string Suspension = "suspension";

    private const int MaxIndexDigits = 12;

    /// <summary>Reads an entry.</summary>
    /// <param name="element">The <c>credentialStatus</c> object.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="error"><see cref="StatusListError.MalformedValue"/> or <see cref="StatusListError.Range"/>.</param>
    /// <returns>Whether the entry was read.</returns>
    public static bool TryRead(JsonElement element, [NotNullWhen(true)] out BitstringStatusListEntry? entry, out StatusListError error)
    {
        entry = null;
        var purpose = JsonText.String(element, "statusPurpose");
        var index = JsonText.String(element, "statusListIndex");
        var list = JsonText.String(element, "statusListCredential");
        var id = JsonText.String(element, "id");
        var size = 1;
        if (JsonText.String(element, "type") != EntryType || purpose is null || index is null || list is null
            || (element.TryGetProperty("id", out _) && id is null)
            || (element.TryGetProperty("statusSize", out var sizeElement) && (!sizeElement.TryGetInt32(out size) || size is < 1 or > 8)))
        {
            error = StatusListError.MalformedValue;
            return false;
        }

        // §2.1: statusListIndex is a string of base-10 digits.
        if (index.Length is 0 or > MaxIndexDigits || !index.All(char.IsAsciiDigit)
            || !long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error = StatusListError.Range;
            return false;
        }

        entry = new BitstringStatusListEntry(id, purpose, value, list, size);
        error = StatusListError.None;
        return true;
    }

    /// <summary>Writes the entry as a <c>credentialStatus</c> object.</summary>
    /// <returns>The JSON.</returns>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Id is not null)
        {
            json["id"] = Id;
        }

        json["type"] = EntryType;
        json["statusPurpose"] = StatusPurpose;
        json["statusListIndex"] = StatusListIndex.ToString(CultureInfo.InvariantCulture);
        json["statusListCredential"] = StatusListCredential;
        if (StatusSize != 1)
        {
            json["statusSize"] = StatusSize;
        }

        return json;
    }
}
