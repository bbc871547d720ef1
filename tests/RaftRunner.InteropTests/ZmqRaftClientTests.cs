using System.Text.Json;

namespace RaftRunner.InteropTests;

/// <summary>zmq-raft's own client (ZmqRaftClient) talks to a C# ROUTER answering with our encoders.</summary>
public sealed class ZmqRaftClientTests(ZmqRaftInstallation zmqRaft) : IClassFixture<ZmqRaftInstallation>
{
    private const string Secret = "client-interop";

    [Fact]
    public void ZmqRaftClient_decodes_our_RequestConfig_RequestLogInfo_and_RequestUpdate_answers()
    {
        Assert.True(Directory.Exists(zmqRaft.PackagePath));
        using var server = new MiniRouterServer(Secret);
        var reqid = Protocol.RequestId.New().ToHex();
        var script = Path.Combine(RepositoryPaths.NodeScripts, "client.js");
        var (exitCode, stdout, stderr) = ChildProcess.Run("node", [script, server.Endpoint, Secret, reqid, "set x=1"], TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"client.js exited with {exitCode}: {stdout} {stderr}; server errors: {string.Join("; ", server.Errors)}");

        using var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = result.RootElement;
        var config = root.GetProperty("config");
        Assert.Equal(MiniRouterServer.LeaderId, config.GetProperty("leaderId").GetString());
        Assert.True(config.GetProperty("isLeader").GetBoolean());
        Assert.Equal(server.Endpoint, config.GetProperty("peers")[0][1].GetString());

        var info = root.GetProperty("logInfo");
        Assert.Equal(3, info.GetProperty("currentTerm").GetInt32());
        Assert.Equal(6, info.GetProperty("commitIndex").GetInt32());
        Assert.Equal(MiniRouterServer.LeaderId, info.GetProperty("leaderId").GetString());

        Assert.Equal((int)MiniRouterServer.CommittedIndex, root.GetProperty("update").GetInt32());
        lock (server.Received)
            Assert.Contains(server.Received, r => r == $"RequestUpdate {reqid} set x=1");
        Assert.Empty(server.Errors);
    }
}
