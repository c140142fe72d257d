namespace IdentityEhr.AuditLog.Merkle;

/// <summary>Why a Merkle proof does not hold.</summary>
public enum MerkleProofFailure
{
    /// <summary>The proof holds.</summary>
    None,

    /// <summary>The leaf index is not inside the tree (index ≥ tree size).</summary>
    IndexOutsideTree,

    /// <summary>A consistency proof from the empty tree was asked for; every tree is consistent with it, so there is nothing to prove.</summary>
    EmptyOldTree,

    /// <summary>The old tree of a consistency proof is larger than the new one.</summary>
    OldTreeLarger,

    /// <summary>The proof has more or fewer hashes than the sizes call for.</summary>
    WrongLength,

    /// <summary>The hashes do not lead to the expected root (or, for consistency, to both roots).</summary>
    RootMismatch,
}
