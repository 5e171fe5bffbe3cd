/*
 * kafka-mock: a tiny wrapper around librdkafka's mock cluster so tests can run
 * the real Kafka wire protocol without a broker.
 *
 *   kafka-mock [--brokers N] [--debug] --topic name:partitions [--topic ...]
 *
 * Prints exactly one line "BOOTSTRAP host:port[,host:port...]" on stdout once
 * the cluster is listening (brokers bind to 127.0.0.1 on ephemeral ports),
 * then reads one command per line on stdin and answers "OK" or "ERR <reason>":
 *
 *   broker-down <id>                        rd_kafka_mock_broker_set_down
 *   broker-up <id>                          rd_kafka_mock_broker_set_up
 *   rtt <brokerId> <ms>                     rd_kafka_mock_broker_set_rtt
 *   push-errors <apiKey> <count> <errCode>  rd_kafka_mock_push_request_errors
 *   create-topic <name> <partitions>        rd_kafka_mock_topic_create
 *   quit                                    stop and exit 0 (EOF on stdin too)
 *
 * Broker ids start at 1. Replication factor is 1. librdkafka logs go to stderr.
 * Build: test/kafka-mock/build.sh (needs librdkafka-dev).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 64

struct topic_spec {
        char *name;
        int partitions;
};

static void usage(const char *argv0) {
        fprintf(stderr,
                "usage: %s [--brokers N] [--debug] --topic name:partitions "
                "[--topic ...]\n",
                argv0);
}

/* Parses a decimal integer; returns 0 on success. */
static int parse_int(const char *s, long min, long max, long *out) {
        char *end;
        long v;
        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

static void reply(rd_kafka_resp_err_t err, const char *what) {
        if (err)
                printf("ERR %s: %s\n", what, rd_kafka_err2str(err));
        else
                printf("OK\n");
        fflush(stdout);
}

static void reply_err(const char *msg) {
        printf("ERR %s\n", msg);
        fflush(stdout);
}

int main(int argc, char **argv) {
        struct topic_spec topics[MAX_TOPICS];
        int topic_cnt = 0;
        long brokers  = 1;
        int debug     = 0;
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mcluster;
        char *line = NULL;
        size_t linecap = 0;
        int i;

#ifdef __linux__
        /* Belt and braces: stdin EOF already stops us when the parent dies. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        signal(SIGPIPE, SIG_IGN);

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_int(argv[++i], 1, 64, &brokers)) {
                                fprintf(stderr, "kafka-mock: bad --brokers %s\n",
                                        argv[i]);
                                return 2;
                        }
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        char *spec = argv[++i];
                        char *colon = strrchr(spec, ':');
                        long parts;
                        if (!colon || colon == spec ||
                            parse_int(colon + 1, 1, 10000, &parts)) {
                                fprintf(stderr,
                                        "kafka-mock: bad --topic %s "
                                        "(want name:partitions)\n",
                                        spec);
                                return 2;
                        }
                        if (topic_cnt == MAX_TOPICS) {
                                fprintf(stderr, "kafka-mock: too many topics\n");
                                return 2;
                        }
                        *colon                      = '\0';
                        topics[topic_cnt].name       = spec;
                        topics[topic_cnt].partitions = (int)parts;
                        topic_cnt++;
                } else if (!strcmp(argv[i], "--debug")) {
                        debug = 1;
                } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                        usage(argv[0]);
                        return 0;
                } else {
                        usage(argv[0]);
                        return 2;
                }
        }

        conf = rd_kafka_conf_new();
        /* The rd_kafka_t only hosts the mock cluster; it never connects
         * (log_level 4 hides its "no bootstrap.servers" notice). */
        if (rd_kafka_conf_set(conf, "client.id", "kafka-mock", errstr,
                              sizeof(errstr)) != RD_KAFKA_CONF_OK ||
            (!debug && rd_kafka_conf_set(conf, "log_level", "4", errstr,
                                         sizeof(errstr)) != RD_KAFKA_CONF_OK) ||
            (debug && rd_kafka_conf_set(conf, "debug", "mock,protocol", errstr,
                                        sizeof(errstr)) != RD_KAFKA_CONF_OK)) {
                fprintf(stderr, "kafka-mock: conf: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: rd_kafka_new: %s\n", errstr);
                return 1;
        }

        mcluster = rd_kafka_mock_cluster_new(rk, (int)brokers);
        if (!mcluster) {
                fprintf(stderr, "kafka-mock: failed to create mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        for (i = 0; i < topic_cnt; i++) {
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
                    mcluster, topics[i].name, topics[i].partitions, 1);
                if (err) {
                        fprintf(stderr, "kafka-mock: create topic %s: %s\n",
                                topics[i].name, rd_kafka_err2str(err));
                        rd_kafka_mock_cluster_destroy(mcluster);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        while (getline(&line, &linecap, stdin) != -1) {
                char cmd[64], arg1[256], extra[8];
                long a, b, c;
                int n;
                size_t len = strlen(line);
                while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                        line[--len] = '\0';
                if (len == 0)
                        continue;

                n = sscanf(line, "%63s", cmd);
                if (n != 1) {
                        reply_err("empty command");
                        continue;
                }

                if (!strcmp(cmd, "quit")) {
                        printf("OK\n");
                        fflush(stdout);
                        break;

                } else if (!strcmp(cmd, "broker-down") ||
                           !strcmp(cmd, "broker-up")) {
                        if (sscanf(line, "%*s %255s %7s", arg1, extra) != 1 ||
                            parse_int(arg1, -1, 1000000, &a)) {
                                reply_err("usage: broker-down|broker-up <id>");
                                continue;
                        }
                        if (cmd[7] == 'd')
                                reply(rd_kafka_mock_broker_set_down(
                                          mcluster, (int32_t)a),
                                      "broker-down");
                        else
                                reply(rd_kafka_mock_broker_set_up(mcluster,
                                                                  (int32_t)a),
                                      "broker-up");

                } else if (!strcmp(cmd, "rtt")) {
                        char arg2[64];
                        if (sscanf(line, "%*s %255s %63s %7s", arg1, arg2,
                                   extra) != 2 ||
                            parse_int(arg1, -1, 1000000, &a) ||
                            parse_int(arg2, 0, 3600000, &b)) {
                                reply_err("usage: rtt <brokerId> <ms>");
                                continue;
                        }
                        reply(rd_kafka_mock_broker_set_rtt(mcluster, (int32_t)a,
                                                           (int)b),
                              "rtt");

                } else if (!strcmp(cmd, "push-errors")) {
                        char arg2[64], arg3[64];
                        rd_kafka_resp_err_t *errs;
                        long k;
                        if (sscanf(line, "%*s %255s %63s %63s %7s", arg1, arg2,
                                   arg3, extra) != 3 ||
                            parse_int(arg1, 0, 32767, &a) ||
                            parse_int(arg2, 1, 100000, &b) ||
                            parse_int(arg3, -200, 32767, &c)) {
                                reply_err("usage: push-errors <apiKey> <count> "
                                          "<errorCode>");
                                continue;
                        }
                        errs = calloc((size_t)b, sizeof(*errs));
                        if (!errs) {
                                reply_err("out of memory");
                                continue;
                        }
                        for (k = 0; k < b; k++)
                                errs[k] = (rd_kafka_resp_err_t)c;
                        rd_kafka_mock_push_request_errors_array(
                            mcluster, (int16_t)a, (size_t)b, errs);
                        free(errs);
                        reply(RD_KAFKA_RESP_ERR_NO_ERROR, "push-errors");

                } else if (!strcmp(cmd, "create-topic")) {
                        char arg2[64];
                        if (sscanf(line, "%*s %255s %63s %7s", arg1, arg2,
                                   extra) != 2 ||
                            parse_int(arg2, 1, 10000, &b)) {
                                reply_err("usage: create-topic <name> "
                                          "<partitions>");
                                continue;
                        }
                        reply(rd_kafka_mock_topic_create(mcluster, arg1, (int)b,
                                                         1),
                              "create-topic");

                } else {
                        char msg[128];
                        snprintf(msg, sizeof(msg), "unknown command %s", cmd);
                        reply_err(msg);
                }
        }

        free(line);
        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        return 0;
}
