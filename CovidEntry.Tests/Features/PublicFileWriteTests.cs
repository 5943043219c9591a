using System.Buffers;
using System.IO.Pipelines;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Publish;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace CovidEntry.Tests.Features;

/// <summary>
/// A public file answered directly is handed to the connection in parts. When the client goes away
/// in the middle, the rest is not written and the connection is ended: a response shorter than its
/// Content-Length would otherwise be logged as the application's error whenever the server had not
/// yet noticed the client was gone.
/// </summary>
public sealed class PublicFileWriteTests
{
    private static readonly byte[] Body = Enumerable.Range(0, PublicHeaders.WriteChunkBytes * 2 + 100).Select(i => (byte)(i % 251)).ToArray();
    private static readonly PublicFile File = new("api/v1/states/daily.json", "application/json", null, 1, Body, null, null, "0", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task AClientThatGoesAwayMidFileGetsNoMoreAndItsConnectionIsEnded()
    {
        var (http, connection, lifetime) = await ServeAsync(clientLeavesAfter: 1);

        Assert.Equal(Body.Length, http.Response.ContentLength);
        Assert.Equal(Body[..PublicHeaders.WriteChunkBytes], connection.Written.ToArray());
        Assert.Equal(1, lifetime.Aborts);
    }

    [Fact]
    public async Task AClientThatStaysGetsTheWholeFileAndItsConnectionIsKept()
    {
        var (http, connection, lifetime) = await ServeAsync(clientLeavesAfter: null);

        Assert.Equal(Body, connection.Written.ToArray());
        Assert.Equal(3, connection.Writes);
        Assert.Equal(0, lifetime.Aborts);
    }

    [Fact]
    public async Task AClientThatLeavesWithTheLastPartHasTheWholeFileAndNothingIsEnded()
    {
        var (http, connection, lifetime) = await ServeAsync(clientLeavesAfter: 3);

        Assert.Equal(Body, connection.Written.ToArray());
        Assert.Equal(0, lifetime.Aborts);
    }

    /// <summary>Answers a GET of <see cref="File"/> directly, to a client that leaves after that many parts (or stays).</summary>
    private static async Task<(HttpContext Http, Connection Connection, Lifetime Lifetime)> ServeAsync(int? clientLeavesAfter)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Get;
        var connection = new Connection(clientLeavesAfter);
        var lifetime = new Lifetime();
        http.Features.Set<IHttpResponseBodyFeature>(connection);
        http.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        await PublicHeaders.ServeDirectAsync(http, File, "public", new PublishPriority(new FakeTimeProvider()));
        return (http, connection, lifetime);
    }

    /// <summary>The connection's side of the response: what was handed to it, and a client that may leave after some parts.</summary>
    private sealed class Connection(int? clientLeavesAfter) : PipeWriter, IHttpResponseBodyFeature
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public MemoryStream Written { get; } = new();

        public int Writes { get; private set; }

        public Stream Stream => throw new NotSupportedException("the direct answer writes to the pipe");

        public PipeWriter Writer => this;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;

        public override void Advance(int bytes) => _buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Written.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
            Writes++;
            return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: Writes >= clientLeavesAfter));
        }
    }

    private sealed class Lifetime : IHttpRequestLifetimeFeature
    {
        public int Aborts { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborts++;
    }
}
