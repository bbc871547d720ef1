using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace RaftRunner.WebMonitor;

/// <summary>
/// The page's files, embedded in this assembly (wwwroot/, see the .csproj): read once, served from memory with an
/// ETag, so the monitor needs no file on disk and nothing from outside.
/// </summary>
internal sealed class StaticAssets
{
    private const string Prefix = "wwwroot/";

    private readonly FrozenDictionary<string, Asset> _assets;

    private StaticAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    public static StaticAssets Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var file = name[Prefix.Length..];
            assets[file] = new Asset(bytes, ContentType(file), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        return new StaticAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IEnumerable<string> Names => _assets.Keys;

    /// <summary>Sends <paramref name="file"/> (404 when there is no such file; 304 when the browser has it).</summary>
    public IResult Serve(HttpContext context, string file)
    {
        if (!_assets.TryGetValue(file, out var asset))
            return Results.NotFound();
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache"; // revalidated each time: a new build's page is seen at once
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
