using IdentityEhr.AuditLog.Entries;

namespace IdentityEhr.Storage.IntegrationTests;

/// <summary>Synthetic audit entries: made-up DIDs and CIDs, no real person or record.</summary>
internal static class Entries
{
    public const string Provider = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    public const string Patient = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG";

    private static readonly DateTimeOffset s_time = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static AuditEntry Access(int n = 0, AuditEventType type = AuditEventType.AccessGranted) => new()
    {
        Type = type,
        Id = Guid.CreateVersion7(s_time.AddMilliseconds(n)),
        Time = s_time.AddMilliseconds(n),
        Actor = Provider,
        Subject = Patient,
        Record = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        Purpose = "TREAT",
        Evidence = new AuditEvidence(Presentation: new string('a', 64), Credential: new string('b', 64)),
    };

    public static AuditEntry[] Many(int count, int offset = 0) => [.. Enumerable.Range(offset, count).Select(i => Access(i))];
}
