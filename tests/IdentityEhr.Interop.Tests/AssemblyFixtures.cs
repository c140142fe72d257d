using IdentityEhr.Testing;

[assembly: AssemblyFixture(typeof(AnvilFixture))]
