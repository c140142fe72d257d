namespace IdentityEhr.Embedded.Tests;

public sealed class LocalToolsTests
{
    [Fact]
    public void FindAnvil_without_node_modules_says_to_run_npm_ci()
    {
        var empty = Directory.CreateTempSubdirectory("ehr-no-npm-").FullName;
        try
        {
            var error = Assert.Throws<InfrastructureConfigurationException>(() => LocalTools.FindAnvil(null, [empty]));

            Assert.StartsWith("anvil is not installed: run 'npm ci' in the repository root", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void FindAnvil_with_a_missing_override_names_the_variable()
    {
        var error = Assert.Throws<InfrastructureConfigurationException>(() => LocalTools.FindAnvil("/nonexistent/anvil", []));

        Assert.Equal("EHR_ANVIL is '/nonexistent/anvil', which does not exist", error.Message);
    }

    [Fact]
    public void FindPostgresBinDirectory_with_a_wrong_override_names_the_variable()
    {
        var error = Assert.Throws<InfrastructureConfigurationException>(() => LocalTools.FindPostgresBinDirectory("/nonexistent"));

        Assert.Equal("EHR_PG_BIN is '/nonexistent', which holds no 'postgres' and 'initdb' programs", error.Message);
    }
}
