// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice The two read functions of the ERC-1056 EthereumDIDRegistry that the anchor needs.
interface IEthereumDIDRegistry {
    function identityOwner(address identity) external view returns (address);
    function validDelegate(address identity, bytes32 delegateType, address delegate) external view returns (bool);
}

/// @title AuditAnchor
/// @notice Publishes the IdentityEhr audit log's tree head (RFC 9162 root and tree size), KSI style.
/// @dev Only the current ERC-1056 owner of the service's did:ethr identity, or a valid `anchor` delegate of it,
///      may anchor. Key rotation therefore flows through the registry without redeploying this contract.
///      Nothing but the root, the tree size and a sequence number goes on chain: no personal data.
contract AuditAnchor {
    /// @notice ERC-1056 delegate type that may anchor besides the identity's owner ("anchor", right-padded).
    bytes32 public constant ANCHOR_DELEGATE_TYPE = "anchor";

    /// @notice The ERC-1056 registry consulted for the identity's owner and delegates.
    IEthereumDIDRegistry public immutable registry;

    /// @notice The service's did:ethr identity address.
    address public immutable identity;

    /// @notice Number of anchors so far; the next anchor gets this value as its `seq`.
    uint64 public count;

    /// @notice Tree size of the latest anchor; each anchor must be larger (the log only grows).
    uint64 public treeSize;

    /// @notice One published tree head. `seq` lets a verifier notice a withheld anchor.
    event Anchored(uint64 indexed seq, bytes32 indexed root, uint64 treeSize);

    constructor(IEthereumDIDRegistry registry_, address identity_) {
        require(address(registry_).code.length != 0, "registry_not_contract");
        require(identity_ != address(0), "identity_zero");
        registry = registry_;
        identity = identity_;
    }

    /// @notice Publishes `root` as the head of the tree of `newTreeSize` leaves.
    function anchor(bytes32 root, uint64 newTreeSize) external {
        require(
            msg.sender == registry.identityOwner(identity)
                || registry.validDelegate(identity, ANCHOR_DELEGATE_TYPE, msg.sender),
            "not_owner_or_anchor_delegate"
        );
        require(newTreeSize > treeSize, "tree_size_not_grown");
        uint64 seq = count;
        // count and treeSize share one storage slot: one SSTORE per anchor.
        count = seq + 1;
        treeSize = newTreeSize;
        emit Anchored(seq, root, newTreeSize);
    }
}
