package dev.berth.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The downstream HTTP/1.1 codec: Netty's request decoder and response encoder, plus two things
 * Netty's own server codec cannot do for a proxy.
 *
 * <ul>
 *   <li>Folded header lines (obs-fold, a line starting with a space or tab): Netty joins them
 *       silently, a backend may not, so a request with one is marked failed and the guard refuses
 *       it. The decoder sees exactly which bytes belong to a head, so a head pipelined behind a
 *       body is checked as well as the first.
 *   <li>Content-Length together with Transfer-Encoding stays visible to the guard (which refuses
 *       it) instead of being quietly repaired.
 * </ul>
 *
 * The encoder remembers each request's method so that the answer to a HEAD never gets a body.
 */
final class ServerCodec
    extends CombinedChannelDuplexHandler<ServerCodec.Decoder, ServerCodec.Encoder> {
  /** Thrown into a request's decoder result when its head has a folded line. */
  static final class FoldedHeader extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FoldedHeader() {
      super("folded header line", null, false, false);
    }
  }

  ServerCodec(HttpDecoderConfig config) {
    var methods = new ArrayDeque<HttpMethod>();
    init(new Decoder(config, methods), new Encoder(methods));
  }

  static final class Decoder extends HttpRequestDecoder implements ByteProcessor {
    private final ArrayDeque<HttpMethod> methods;
    private boolean inHead = true;
    private boolean lineStarted;
    private boolean afterNewline;
    private boolean folded;

    Decoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
      super(config);
      this.methods = methods;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int from = buffer.readerIndex();
      int before = out.size();
      boolean scanning = inHead;
      super.decode(ctx, buffer, out);
      if (scanning && buffer.readerIndex() > from) {
        buffer.forEachByte(from, buffer.readerIndex() - from, this);
      }
      for (int i = before; i < out.size(); i++) {
        Object msg = out.get(i);
        if (msg instanceof HttpRequest request) {
          methods.add(request.method());
          if (folded && request.decoderResult().isSuccess()) {
            request.setDecoderResult(DecoderResult.failure(new FoldedHeader()));
          }
          inHead = false;
        }
        if (msg instanceof LastHttpContent) {
          inHead = true;
          lineStarted = false;
          afterNewline = false;
          folded = false;
        }
      }
    }

    /** One byte of a head: a space or tab right after a line break inside the head is a fold. */
    @Override
    public boolean process(byte value) {
      if (value == '\n') {
        afterNewline = lineStarted;
      } else if (value != '\r') {
        if (afterNewline && (value == ' ' || value == '\t')) {
          folded = true;
        }
        afterNewline = false;
        lineStarted |= value != ' ' && value != '\t';
      }
      return true;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      // Keep both headers: RequestGuard refuses the request rather than guessing its length.
    }
  }

  static final class Encoder extends HttpResponseEncoder {
    private final ArrayDeque<HttpMethod> methods;

    Encoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
      HttpMethod method =
          response.status().codeClass() == HttpStatusClass.INFORMATIONAL ? null : methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
    }
  }
}
