/* Pub/Sub as a server without subscribers answers it. The emulator has no
 * connections that could subscribe, so PUBLISH reaches nobody (0), no
 * channel is active and every count is 0; the commands exist so that
 * scripts and transactions that publish run as they do on Redis (in a
 * read-only script PUBLISH is refused: it is may-replicate). */
#include "commands.h"

#include "errors.h"
#include "reply.h"

void rl_cmd_publish(rl_client *c)
{
    rl_add_reply_long_long(c, 0);
}

void rl_cmd_spublish(rl_client *c)
{
    rl_add_reply_long_long(c, 0);
}

/* Redis's addReplySubcommandSyntaxError for PUBSUB. */
static void subcommand_syntax_error(rl_client *c)
{
    const rl_arg *sub = &c->argv[1];
    int n = (int)(sub->len < 128 ? sub->len : 128);
    for (int i = 0; i < n; i++) {
        if (sub->ptr[i] == '\0') {
            n = i;
            break;
        }
    }
    rl_add_reply_errorf(c, RL_ERRF_SUBCOMMAND_SYNTAX, n, sub->ptr, "PUBSUB");
}

/* CHANNELS and SHARDCHANNELS [pattern]: no channel is active. */
static void channels_generic(rl_client *c)
{
    if (c->argc > 3) {
        subcommand_syntax_error(c);
        return;
    }
    rl_add_reply_array_len(c, 0);
}

/* NUMSUB and SHARDNUMSUB [channel ...]: each channel with 0 subscribers. */
static void numsub_generic(rl_client *c)
{
    rl_add_reply_array_len(c, (long)(c->argc - 2) * 2);
    for (int j = 2; j < c->argc; j++) {
        rl_add_reply_bulk(c, c->argv[j].ptr, c->argv[j].len);
        rl_add_reply_long_long(c, 0);
    }
}

void rl_cmd_pubsub_channels(rl_client *c)
{
    channels_generic(c);
}

void rl_cmd_pubsub_shardchannels(rl_client *c)
{
    channels_generic(c);
}

void rl_cmd_pubsub_numsub(rl_client *c)
{
    numsub_generic(c);
}

void rl_cmd_pubsub_shardnumsub(rl_client *c)
{
    numsub_generic(c);
}

void rl_cmd_pubsub_numpat(rl_client *c)
{
    rl_add_reply_long_long(c, 0);
}

void rl_cmd_pubsub_help(rl_client *c)
{
    static const char *const help[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    long n = (long)(sizeof(help) / sizeof(help[0]));
    rl_add_reply_array_len(c, n);
    for (long i = 0; i < n; i++) rl_add_reply_status(c, help[i]);
}
