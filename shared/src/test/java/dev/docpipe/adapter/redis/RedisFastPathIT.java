package dev.docpipe.adapter.redis;

import dev.docpipe.standins.RedisStandIn;

/** {@link RedisFastPath} against a standalone redis-server. */
class RedisFastPathIT extends RedisFastPathContract {
    @Override
    String uri() {
        return RedisStandIn.shared().uri();
    }

    @Override
    RedisFastPath.Mode mode() {
        return RedisFastPath.Mode.STANDALONE;
    }
}
