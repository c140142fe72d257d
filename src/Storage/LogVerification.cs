namespace IdentityEhr.Storage;

/// <summary>The outcome of walking the whole stored log and recomputing it.</summary>
/// <param name="TreeSize">The tree size log_state claims.</param>
/// <param name="EventsChecked">How many event rows were read and hashed.</param>
/// <param name="TilesChecked">How many tiles were recomputed and compared.</param>
/// <param name="CheckpointsChecked">How many checkpoints were checked against the tree (and their signatures, when a key was given).</param>
/// <param name="Findings">What does not hold, at most <see cref="LogStore.MaxFindings"/>; empty when the log is intact.</param>
/// <param name="MoreFindings">How many further findings were left out.</param>
public sealed record LogVerification(
    ulong TreeSize, long EventsChecked, long TilesChecked, int CheckpointsChecked, IReadOnlyList<LogFinding> Findings, long MoreFindings)
{
    /// <summary>Gets a value saying whether everything recomputed equals what is stored.</summary>
    public bool IsIntact => Findings.Count == 0;
}
