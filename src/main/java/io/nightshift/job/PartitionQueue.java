package io.nightshift.job;

import io.nightshift.NightshiftException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.integration.partition.StepExecutionRequest;

/**
 * The RabbitMQ queue of remote partitions: one persistent message per partition step execution, a
 * {@link StepExecutionRequest} (step name, step execution id) as a small JSON document. The queue is durable and
 * declared by whoever comes first, manager or worker. Every broker failure becomes one line naming the broker and what
 * to do ({@link #unreachable}).
 */
public final class PartitionQueue {

    private static final Pattern REQUEST = Pattern.compile(
            "\\{\"stepName\":\"([^\"]+)\",\"stepExecutionId\":(\\d+)}");

    private final ConnectionFactory connectionFactory;
    private final RabbitTemplate template;
    private final String queue;
    private final String broker;

    /** {@code broker} names the broker as the settings do ({@code host:port}, or the addresses), for messages. */
    public PartitionQueue(ConnectionFactory connectionFactory, String queue, String broker) {
        this.connectionFactory = connectionFactory;
        this.template = new RabbitTemplate(connectionFactory);
        this.queue = queue;
        this.broker = broker;
    }

    public String name() {
        return queue;
    }

    public String broker() {
        return broker;
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Declares the queue (durable); throws {@link RemotePartitionException} when the broker cannot be reached. */
    public void declare(NightshiftException.Disposition disposition, String doing) {
        try {
            template.execute(channel -> channel.queueDeclare(queue, true, false, false, null));
        } catch (AmqpException e) {
            throw unreachable(disposition, doing, e);
        }
    }

    /** Messages waiting in the queue (not yet delivered, or requeued); throws {@link AmqpException} when unreachable. */
    public long depth() {
        return template.execute(channel -> channel.queueDeclarePassive(queue).getMessageCount());
    }

    public void send(StepExecutionRequest request) {
        MessageProperties properties = new MessageProperties();
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        template.send("", queue, new org.springframework.amqp.core.Message(encode(request), properties));
    }

    static byte[] encode(StepExecutionRequest request) {
        return ("{\"stepName\":\"" + request.getStepName() + "\",\"stepExecutionId\":" + request.getStepExecutionId() + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The request a message carries; null for a body that is not one (logged and dropped by the worker). */
    public static StepExecutionRequest decode(byte[] body) {
        Matcher matcher = REQUEST.matcher(new String(body, StandardCharsets.UTF_8).trim());
        return matcher.matches() ? new StepExecutionRequest(matcher.group(1), Long.parseLong(matcher.group(2))) : null;
    }

    /** One line: what could not be done, which broker, why, and what to do. */
    public RemotePartitionException unreachable(NightshiftException.Disposition disposition, String doing, Exception cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new RemotePartitionException(disposition, "Cannot " + doing + ": the RabbitMQ broker at " + broker
                + " cannot be reached (" + why + "). Start it, or point spring.rabbitmq.host/port (or SPRING_RABBITMQ_ADDRESSES)"
                + " at it.", cause);
    }
}
