package io.zerodowntime.sample;

import io.zerodowntime.reload.Generation;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A WebSocket endpoint at {@code /echo} that answers each text message with who answered
 * and the message.
 *
 * @author zerodowntime
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class EchoWebSocketConfiguration implements WebSocketConfigurer {

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(new EchoHandler(), "/echo");
	}

	private static final class EchoHandler extends TextWebSocketHandler {

		private final String identity;

		EchoHandler() {
			Generation generation = Generation.current();
			this.identity = "pid=" + generation.pid() + " generation=" + generation.number();
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
			session.sendMessage(new TextMessage(this.identity + " echo=" + message.getPayload()));
		}

	}

}
