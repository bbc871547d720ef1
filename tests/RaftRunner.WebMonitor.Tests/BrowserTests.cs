using System.Globalization;
using Microsoft.Playwright;
using RaftRunner.WebMonitor.Tests.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace RaftRunner.WebMonitor.Tests;

/// <summary>
/// The page as a person sees it, in Debian's chromium driven by Playwright (its own browser download is never used):
/// three peers and one leader, a key written through the form, the commit index moving; a screenshot is kept.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BrowserTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private MonitoredCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task The_page_shows_the_cluster_live_and_writes_through_the_form()
    {
        var chromium = Chromium.Find();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        SetDefaultExpectTimeout(20_000);

        // Something to list: a few writes through the nodes before the page opens.
        foreach (var (key, value) in new[] { ("user:1", "Ada Lovelace"), ("user:2", "Alan Turing"), ("config:theme", "dark"), ("counter", "41") })
            await Cluster.SetAsync("n2", key, value);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Chromium's sandbox needs user namespaces a root process in a container does not get.
            Args = Environment.UserName == "root" ? ["--no-sandbox", "--disable-dev-shm-usage"] : ["--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
            ColorScheme = ColorScheme.Light,
            DeviceScaleFactor = 1,
        });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            // A script error, or a content-security-policy violation; not the 400 the empty key is meant to get.
            if (message.Type == "error" && !message.Text.Contains("status of 400", StringComparison.Ordinal))
                problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(Cluster["n1"].WebUrl);

        // Three peers, all answering, exactly one of them the leader, and the stream live.
        await Expect(page.Locator(".peer")).ToHaveCountAsync(3);
        await Expect(page.Locator(".peer[data-reachable='true']")).ToHaveCountAsync(3);
        await Expect(page.Locator(".peer.is-leader")).ToHaveCountAsync(1);
        await Expect(page.Locator(".peer[data-role='leader']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#conn")).ToHaveAttributeAsync("data-state", "live");
        var leaderId = await page.Locator(".peer.is-leader").GetAttributeAsync("data-peer");
        Assert.Equal((await Cluster.NodeStatusAsync("n1")).LeaderId, leaderId);
        await Expect(page.Locator("#cluster-leader")).ToHaveTextAsync(leaderId!);
        await Expect(page.Locator("#entries tbody tr", new PageLocatorOptions { HasText = "Alan Turing" })).ToHaveCountAsync(1);

        var before = await CommitIndexAsync(page);

        var writtenKey = "written-from-the-browser";
        await page.FillAsync("#write-key", writtenKey);
        await page.FillAsync("#write-value", "hello from Chromium");
        await page.ClickAsync("#write-submit");
        await Expect(page.Locator("#write-result")).ToContainTextAsync("committed at index");
        await page.WaitForFunctionAsync(
            "before => Number(document.getElementById('cluster-commit').textContent.replace(/,/g, '')) > before",
            before, new PageWaitForFunctionOptions { Timeout = 20_000 });
        var after = await CommitIndexAsync(page);
        Assert.True(after > before, $"commit index {before} → {after}");
        await Expect(page.Locator("#entries tbody tr", new PageLocatorOptions { HasText = writtenKey })).ToHaveCountAsync(1);
        await Expect(page.Locator(".peer .lag.in-step")).ToHaveCountAsync(3); // every peer caught up again

        // An empty key is refused on the page too.
        await page.FillAsync("#write-key", "");
        await page.ClickAsync("#write-submit");
        await Expect(page.Locator("#write-result")).ToHaveAttributeAsync("data-state", "error");
        await Expect(page.Locator("#write-result")).ToContainTextAsync("key must not be empty");
        await page.FillAsync("#write-key", writtenKey); // the form as a person leaves it, for the screenshot
        await page.ClickAsync("#write-submit");
        await Expect(page.Locator("#write-result")).ToContainTextAsync("committed at index");

        await page.WaitForTimeoutAsync(2500); // the fresh-entry highlight fades
        var screenshot = Path.Combine(ResultsDirectory(), "monitor.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        output.WriteLine($"screenshot: {screenshot}");
        Console.WriteLine($"web monitor screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // Dark, as a second picture.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await page.WaitForTimeoutAsync(500); // the cards' colour transition
        var dark = Path.Combine(ResultsDirectory(), "monitor-dark.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = dark, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        output.WriteLine($"screenshot: {dark}");

        Assert.True(problems.Count == 0, "the page reported errors:\n" + string.Join("\n", problems));
    }

    private static async Task<long> CommitIndexAsync(IPage page) =>
        long.Parse((await page.Locator("#cluster-commit").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Where screenshots go: $RAFTRUNNER_TEST_RESULTS, else TestResults/ beside the test assembly.</summary>
    private static string ResultsDirectory()
    {
        var directory = Environment.GetEnvironmentVariable("RAFTRUNNER_TEST_RESULTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(directory);
        return directory;
    }
}

/// <summary>Finds the system's Chromium (Debian's chromium package: /usr/bin/chromium).</summary>
internal static class Chromium
{
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("RAFTRUNNER_CHROMIUM") is { Length: > 0 } configured)
        {
            if (!File.Exists(configured))
                Assert.Fail($"RAFTRUNNER_CHROMIUM is {configured}, which does not exist. Point it at a Chromium binary, or unset it and run ./build.sh (on Debian, as root, it installs the 'chromium' package).");
            return configured;
        }
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin");
        foreach (var directory in path)
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        Assert.Fail("Chromium is not installed, and the web monitor's browser test needs it. Run ./build.sh (on Debian, as root, it "
            + "installs the 'chromium' package), or install Chromium yourself ('sudo apt-get install chromium'), or set "
            + "RAFTRUNNER_CHROMIUM to a Chromium binary.");
        return "";
    }
}
