using System.Linq;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Kvp.Client;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>hv_kvp_client's library side over a temporary pool folder.</summary>
public sealed class PoolClientTests : System.IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-client-").FullName;
    PoolClient Client => new(_dir);

    static string S(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void Set_then_get_round_trips_and_leaves_one_whole_record()
    {
        Assert.Equal(ClientOutcome.Ok, Client.Set(1, "name", "välue").Outcome);
        Assert.Equal(ClientOutcome.Ok, Client.Get(1, "name", out byte[] v).Outcome);
        Assert.Equal("välue", S(v));
        byte[] file = File.ReadAllBytes(Client.PathOf(1));
        Assert.Equal(KvpLayout.PoolRecordSize, file.Length);
        Assert.Equal("name"u8.ToArray(), file[..4]);
        Assert.All(file[4..KvpLayout.MaxKeySize], b => Assert.Equal(0, b));
    }

    [Fact]
    public void An_update_rewrites_the_value_field_whole_and_keeps_the_record_count()
    {
        Client.Set(1, "k", new string('x', 100));
        Client.Set(1, "k", "short");
        byte[] file = File.ReadAllBytes(Client.PathOf(1));
        Assert.Equal(KvpLayout.PoolRecordSize, file.Length);
        Assert.All(file[(KvpLayout.PoolRecordValue + 5)..], b => Assert.Equal(0, b));   // no old bytes after the NUL
    }

    [Fact]
    public void Reading_a_missing_pool_finds_nothing_and_creates_no_file()
    {
        var entries = new List<PoolEntry>();
        Assert.Equal(ClientOutcome.Ok, Client.List(0, entries).Outcome);
        Assert.Empty(entries);
        Assert.Equal(ClientOutcome.NotFound, Client.Get(0, "k", out _).Outcome);
        Assert.Equal(ClientOutcome.NotFound, Client.Delete(0, "k").Outcome);
        Assert.False(File.Exists(Client.PathOf(0)));
    }

    [Fact]
    public void Delete_removes_only_that_record()
    {
        foreach (string k in new[] { "a", "b", "c" }) Client.Set(4, k, k + k);
        Assert.Equal(ClientOutcome.Ok, Client.Delete(4, "a").Outcome);
        var entries = new List<PoolEntry>();
        Client.List(4, entries);
        // A pool is a set: the last record took the deleted one's slot (docs/kvp.md).
        Assert.Equal(new[] { ("b", "bb"), ("c", "cc") }, entries.ConvertAll(e => (S(e.Key), S(e.Value))).Order());
        Assert.Equal(ClientOutcome.NotFound, Client.Delete(4, "a").Outcome);
    }

    [Theory]
    [InlineData("", "v", "the key is empty")]
    [InlineData("a\0b", "v", "NUL")]
    [InlineData("k", "a\0b", "NUL")]
    public void Keys_and_values_the_kernel_could_not_send_are_refused(string key, string value, string why)
    {
        ClientResult r = Client.Set(1, key, value);
        Assert.Equal(ClientOutcome.Refused, r.Outcome);
        Assert.Contains(why, r.Problem);
        Assert.False(File.Exists(Client.PathOf(1)));
    }

    [Fact]
    public void The_longest_key_and_value_fit_and_one_byte_more_does_not()
    {
        string key = new('k', RecordLimits.MaxKeyBytes), value = new('v', RecordLimits.MaxValueBytes);
        Assert.Equal(ClientOutcome.Ok, Client.Set(1, key, value).Outcome);
        Assert.Equal(ClientOutcome.Refused, Client.Set(1, key + "k", "v").Outcome);
        Assert.Equal(ClientOutcome.Refused, Client.Set(1, "k", value + "v").Outcome);
        Assert.Equal(ClientOutcome.Refused, Client.Set(1, "é" + new string('k', RecordLimits.MaxKeyBytes - 1), "v").Outcome); // 2 bytes in UTF-8
        Assert.NotNull(RecordLimits.HostWarning(key, null));
        Assert.Null(RecordLimits.HostWarning(new string('k', RecordLimits.HostKeyUnits), new string('v', RecordLimits.HostValueUnits)));
    }

    [Fact]
    public void A_pool_that_cannot_be_opened_fails_with_the_file_and_the_reason()
    {
        Directory.CreateDirectory(Client.PathOf(1));   // a directory where the pool file should be
        ClientResult r = Client.Set(1, "k", "v");
        Assert.Equal(ClientOutcome.Failed, r.Outcome);
        Assert.StartsWith(Client.PathOf(1) + ": ", r.Problem);
        Assert.Contains("Is a directory", r.Problem);
        Assert.DoesNotContain("answered as failed", r.Problem);
    }

    [Fact]
    public void Pools_2_and_3_are_protected_and_the_others_are_not()
    {
        Assert.NotNull(PoolClient.WhyProtected(KvpPoolId.Auto));
        Assert.NotNull(PoolClient.WhyProtected(KvpPoolId.AutoExternal));
        Assert.Null(PoolClient.WhyProtected(KvpPoolId.External));
        Assert.Null(PoolClient.WhyProtected(KvpPoolId.Guest));
        Assert.Null(PoolClient.WhyProtected(KvpPoolId.AutoInternal));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
