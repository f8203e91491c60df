package dev.berth.proxy;

import dev.berth.core.Problem;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Writes static answers to one downstream connection. Small bodies go out in one buffer; larger
 * ones are never read whole: on a plain TCP connection the kernel sends the file ({@link
 * DefaultFileRegion}, zero copy); on any other channel (TLS, an HTTP/2 stream) the file goes out in
 * {@link #CHUNK}-byte HttpContent pieces through a {@link ChunkedWriteHandler}, which reads the
 * next piece only while the connection is writable, so a slow client never makes the proxy buffer
 * the file. Writes keep their order, so a pipelined next answer always follows the whole file.
 */
final class StaticBodies {
  static final long IN_MEMORY = 32 * 1024;
  static final int CHUNK = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private final String requestId;
  private final boolean keepAlive;
  private final String accept;

  StaticBodies(
      ChannelHandlerContext ctx, String requestId, boolean keepAlive, HttpHeaders request) {
    this.ctx = ctx;
    this.requestId = requestId;
    this.keepAlive = keepAlive;
    this.accept = request.get(HttpHeaderNames.ACCEPT);
  }

  FullHttpResponse page(Problem problem) {
    return ErrorPages.page(problem, requestId, accept);
  }

  FullHttpResponse redirect(String location) {
    var response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
    response.headers().set(HttpHeaderNames.LOCATION, location);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    own(response.headers());
    return response;
  }

  FullHttpResponse unsatisfiable(long size) {
    var page =
        page(
            Problem.of(
                "range-not-satisfiable",
                "Range not satisfiable",
                416,
                "the file has " + size + " bytes"));
    page.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
    return page;
  }

  /** The headers of a file answer (Content-Length is set when the body is known). */
  HttpHeaders head(String type, StaticFiles.Variant variant, String cacheControl, boolean vary) {
    var headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.CONTENT_TYPE, type);
    headers.set(HttpHeaderNames.ETAG, variant.etag());
    headers.set(HttpHeaderNames.LAST_MODIFIED, StaticRequests.httpDate(variant.modified()));
    headers.set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
    String encoding = StaticVariants.contentEncoding(variant);
    if (encoding != null) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
    } else {
      headers.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    }
    if (vary) {
      headers.set(HttpHeaderNames.VARY, "Accept-Encoding");
    }
    own(headers);
    return headers;
  }

  StaticFiles.Served notModified(HttpHeaders head) {
    var response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
    response.headers().set(head);
    response.headers().remove(HttpHeaderNames.CONTENT_TYPE);
    response.headers().remove(HttpHeaderNames.ACCEPT_RANGES);
    return full(response);
  }

  StaticFiles.Served bytes(HttpHeaders head, byte[] body, boolean headOnly) {
    var response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response.headers().set(head);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return full(response);
  }

  StaticFiles.Served whole(HttpHeaders head, StaticFiles.Variant variant, boolean headOnly) {
    return send(HttpResponseStatus.OK, head, variant.file(), 0, variant.size(), headOnly);
  }

  StaticFiles.Served partial(
      HttpHeaders head, StaticFiles.Variant variant, StaticRequests.Span span, boolean headOnly) {
    head.set(
        HttpHeaderNames.CONTENT_RANGE,
        "bytes " + span.start() + "-" + span.end() + "/" + variant.size());
    return send(
        HttpResponseStatus.PARTIAL_CONTENT,
        head,
        variant.file(),
        span.start(),
        span.length(),
        headOnly);
  }

  private StaticFiles.Served send(
      HttpResponseStatus status,
      HttpHeaders head,
      Path file,
      long offset,
      long length,
      boolean headOnly) {
    if (headOnly || length <= IN_MEMORY) {
      try {
        var body =
            headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(read(file, offset, length));
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(head);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        var served = full(response);
        return new StaticFiles.Served(served.status(), headOnly ? 0 : length, served.done());
      } catch (IOException e) {
        return full(page(gone()));
      }
    }
    return stream(status, head, file, offset, length);
  }

  private StaticFiles.Served stream(
      HttpResponseStatus status, HttpHeaders head, Path file, long offset, long length) {
    var response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(head);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
    closeUnlessKeepAlive(response);
    ChannelFuture done;
    if (ctx.channel() instanceof SocketChannel && ctx.pipeline().get(SslHandler.class) == null) {
      ctx.write(response);
      ctx.write(new DefaultFileRegion(file.toFile(), offset, length));
      done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    } else {
      FileChannel channel;
      try {
        channel = FileChannel.open(file);
        var chunks = new HttpChunkedInput(new ChunkedNioFile(channel, offset, length, CHUNK));
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
          ctx.pipeline().addBefore(ctx.name(), "static-chunks", new ChunkedWriteHandler());
        }
        ctx.write(response);
        done = ctx.writeAndFlush(chunks);
      } catch (IOException e) {
        return full(page(gone()));
      }
    }
    if (!keepAlive) {
      done.addListener(ChannelFutureListener.CLOSE);
    }
    return new StaticFiles.Served(status.code(), length, done);
  }

  /** Writes a complete answer; the connection closes after it unless it is kept alive. */
  StaticFiles.Served full(FullHttpResponse response) {
    int bytes = response.content().readableBytes();
    closeUnlessKeepAlive(response);
    var done = ctx.writeAndFlush(response);
    if (!keepAlive) {
      done.addListener(ChannelFutureListener.CLOSE);
    }
    return new StaticFiles.Served(response.status().code(), bytes, done);
  }

  private void closeUnlessKeepAlive(HttpResponse response) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
  }

  private void own(HttpHeaders headers) {
    headers.set("X-Request-Id", requestId);
    headers.set(HttpHeaderNames.VIA, "1.1 berth");
  }

  private static byte[] read(Path file, long offset, long length) throws IOException {
    try (var channel = FileChannel.open(file)) {
      var buffer = java.nio.ByteBuffer.allocate((int) length);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException("the file became shorter while it was read");
        }
      }
      return buffer.array();
    }
  }

  private static Problem gone() {
    return Problem.of("not-found", "Not found", 404, "the file changed while it was read");
  }
}
