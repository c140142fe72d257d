namespace IdentityEhr.AuditLog.Merkle;

/// <summary>The outcome of checking a Merkle proof.</summary>
/// <param name="Failure">Why it failed, or <see cref="MerkleProofFailure.None"/>.</param>
public readonly record struct MerkleProofCheck(MerkleProofFailure Failure)
{
    /// <summary>Gets a value saying whether the proof holds.</summary>
    public bool IsValid => Failure is MerkleProofFailure.None;
}
