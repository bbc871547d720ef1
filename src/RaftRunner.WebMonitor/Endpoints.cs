using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using RaftRunner.Actors;
using RaftRunner.Node;

namespace RaftRunner.WebMonitor;

/// <summary>The monitor's routes (see <see cref="WebMonitorHost"/>).</summary>
internal static class Endpoints
{
    /// <summary>Longest key the form accepts, in characters.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>Largest value the form accepts, in UTF-8 bytes.</summary>
    public const int MaxValueBytes = 64 * 1024;

    private static readonly string[] Get = ["GET", "HEAD"];

    // The page loads nothing from anywhere else, and runs no inline script or style.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static void Map(WebApplication app, ClusterMonitor monitor, WebMonitorOptions options, StaticAssets assets)
    {
        var stopping = app.Services.GetService(typeof(IHostApplicationLifetime)) is IHostApplicationLifetime lifetime ? lifetime.ApplicationStopping : CancellationToken.None;

        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            await next(context).ConfigureAwait(false);
        });

        app.MapMethods("/", Get, (HttpContext context) => assets.Serve(context, "index.html"));
        app.MapMethods("/index.html", Get, (HttpContext context) => assets.Serve(context, "index.html"));
        app.MapMethods("/assets/{file}", Get, (HttpContext context, string file) => assets.Serve(context, file));
        app.MapMethods("/favicon.ico", Get, (HttpContext context) => assets.Serve(context, "favicon.svg"));

        app.MapMethods("/status", Get, (HttpContext context) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(monitor.CurrentJson, "application/json; charset=utf-8", Encoding.UTF8);
        });

        app.MapGet("/monitor", (HttpContext context) => StreamAsync(context, monitor, options.KeepAliveInterval, stopping));

        app.MapMethods("/peer", Get, (string? id) =>
        {
            if (string.IsNullOrEmpty(id))
                return Error(StatusCodes.Status400BadRequest, "give the peer's id: /peer?id=ID");
            if (!monitor.TryGetPeerWww(id, out var www))
                return Error(StatusCodes.Status404NotFound, $"no peer '{id}' in the cluster");
            return www is null
                ? Error(StatusCodes.Status503ServiceUnavailable, $"peer '{id}' has not told its web monitor's url (yet)")
                : Results.Json(new { id, url = www }, ClusterMonitor.Json);
        });

        app.MapPost("/write", (Func<HttpContext, Task<IResult>>)(context => WriteAsync(context, monitor)));
    }

    /// <summary>
    /// /monitor: Server-Sent Events, <c>event: status</c> whose data is the status JSON, at once and on every change;
    /// a comment line every keep-alive interval. Ends when the browser goes or the monitor stops.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, ClusterMonitor monitor, TimeSpan keepAlive, CancellationToken stopping)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var subscription = monitor.Subscribe();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = ended.Token;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            var reader = subscription.Reader;
            while (true)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
                tick.CancelAfter(keepAlive);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }
                if (!more)
                    return; // the monitor stopped
                while (reader.TryRead(out var published))
                {
                    var version = published.Version.ToString(CultureInfo.InvariantCulture);
                    await response.WriteAsync($"id: {version}\nevent: status\ndata: {published.Json}\n\n", ct).ConfigureAwait(false);
                }
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the browser went away, or the server stops
        }
        catch (IOException)
        {
            // the connection broke
        }
    }

    /// <summary>
    /// /write: <c>key</c> and <c>value</c> from a form or a JSON object; the key is set to the value (a string)
    /// through this node. 200 <c>{"index","key","requestId"}</c> once committed and applied here; 400 for bad input,
    /// 403 from another site, 503/504 when the cluster could not commit it in time.
    /// </summary>
    private static async Task<IResult> WriteAsync(HttpContext context, ClusterMonitor monitor)
    {
        var request = context.Request;
        if (!SameOrigin(request))
            return Error(StatusCodes.Status403Forbidden, "writes are accepted from this monitor's own page only");
        string? key;
        string? value;
        if (request.HasJsonContentType())
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    return Error(StatusCodes.Status400BadRequest, "send a JSON object {\"key\": \"…\", \"value\": \"…\"}");
                key = StringProperty(document.RootElement, "key");
                value = StringProperty(document.RootElement, "value");
            }
            catch (JsonException)
            {
                return Error(StatusCodes.Status400BadRequest, "the body is not valid JSON; send {\"key\": \"…\", \"value\": \"…\"}");
            }
            catch (InvalidOperationException)
            {
                return Error(StatusCodes.Status400BadRequest, "key and value must be JSON strings");
            }
        }
        else if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                return Error(StatusCodes.Status400BadRequest, $"the form could not be read: {e.Message}");
            }
            key = form.TryGetValue("key", out var k) ? k.ToString() : null;
            value = form.TryGetValue("value", out var v) ? v.ToString() : null;
        }
        else
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "send a form (key, value) or JSON {\"key\": \"…\", \"value\": \"…\"}");
        }

        if (string.IsNullOrWhiteSpace(key))
            return Error(StatusCodes.Status400BadRequest, "key must not be empty");
        if (key.Length > MaxKeyLength)
            return Error(StatusCodes.Status400BadRequest, $"key must be at most {MaxKeyLength:N0} characters, not {key.Length:N0}");
        value ??= "";
        var valueBytes = Encoding.UTF8.GetByteCount(value);
        if (valueBytes > MaxValueBytes)
            return Error(StatusCodes.Status400BadRequest, $"value must be at most {MaxValueBytes:N0} bytes (UTF-8), not {valueBytes:N0}");

        object answer;
        try
        {
            answer = await monitor.WriteAsync(key, value, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return Error(StatusCodes.Status504GatewayTimeout, "the node did not answer in time; the write may still be committed");
        }
        catch (RecipientTerminatedException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "this node has stopped");
        }
        return answer switch
        {
            ChangeApplied applied => Results.Json(new { index = applied.Index, key, requestId = applied.RequestId.ToString() }, ClusterMonitor.Json),
            ChangeFailed failed => Results.Json(
                new { error = failed.Message, reason = failed.Reason.ToString(), leaderId = failed.LeaderId, index = failed.Index == 0 ? (long?)null : failed.Index },
                ClusterMonitor.Json,
                statusCode: failed.Reason switch
                {
                    ChangeFailure.Timeout => StatusCodes.Status503ServiceUnavailable,
                    ChangeFailure.Expired => StatusCodes.Status409Conflict,
                    _ => StatusCodes.Status422UnprocessableEntity,
                }),
            _ => Error(StatusCodes.Status500InternalServerError, $"unexpected answer from the node: {answer.GetType().Name}"),
        };
    }

    private static string? StringProperty(JsonElement body, string name) =>
        body.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null ? element.GetString() : null;

    /// <summary>
    /// A browser sends Origin (and Sec-Fetch-Site) with a POST: refuse one from another site, so that no other page
    /// can write into the cluster through a visitor's browser. Tools that send neither (curl) are let through.
    /// </summary>
    private static bool SameOrigin(HttpRequest request)
    {
        if (request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && site.ToString() is "cross-site" or "same-site")
            return false;
        if (!request.Headers.TryGetValue("Origin", out var origin) || origin.ToString() is not { Length: > 0 } text)
            return true;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = message }, ClusterMonitor.Json, statusCode: status);
}
