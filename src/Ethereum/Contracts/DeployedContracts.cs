namespace IdentityEhr.Ethereum.Contracts;

/// <summary>The contracts the service uses on one chain.</summary>
/// <param name="DidRegistry">The ERC-1056 <c>EthereumDIDRegistry</c>.</param>
/// <param name="AuditAnchor">The <c>AuditAnchor</c> contract, bound to <paramref name="ServiceIdentity"/>.</param>
/// <param name="ServiceIdentity">The address of the service's did:ethr identity that may anchor.</param>
public sealed record DeployedContracts(Address DidRegistry, Address AuditAnchor, Address ServiceIdentity);
