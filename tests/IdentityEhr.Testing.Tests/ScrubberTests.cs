namespace IdentityEhr.Testing.Tests;

public sealed class ScrubberTests
{
    [Fact]
    public void Apply_numbers_distinct_values_in_order_of_first_appearance()
    {
        var scrubber = Scrubber.None.Add(@"port=\d+", "Port");

        var scrubbed = scrubber.Apply("port=5432 port=6000 port=5432");

        Assert.Equal("Port_1 Port_2 Port_1", scrubbed);
    }

    [Fact]
    public void Apply_replaces_only_the_value_group_when_there_is_one()
    {
        var scrubber = Scrubber.None.Add(@"""port"": (?<value>\d+)", "Port");

        var scrubbed = scrubber.Apply(@"{""port"": 41234}");

        Assert.Equal(@"{""port"": Port_1}", scrubbed);
    }

    [Fact]
    public void AddGuids_replaces_guids_with_tokens()
    {
        var scrubbed = Scrubber.None.AddGuids().Apply("id 0f8fad5b-d9cb-469f-a165-70867728950e");

        Assert.Equal("id Guid_1", scrubbed);
    }

    [Fact]
    public void None_leaves_text_unchanged()
    {
        Assert.Equal("0x5fbdb2315678afecb367f032d93f642f64180aa3", Scrubber.None.Apply("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    }
}
