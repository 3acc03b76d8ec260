"""The pretraining recipe of `roberta train --task mlm`, re-implemented in plain PyTorch as a yardstick.

transformers cannot be installed on the benchmark machine (Debian's python3-torch 1.13 is), so the
RoBERTa encoder and LM head below are written out in plain torch, mirroring Hugging Face's modules
(transformers 4.36.2 modeling_roberta.py: RobertaEmbeddings, RobertaSelfAttention, RobertaSelfOutput,
RobertaIntermediate, RobertaOutput, RobertaLMHead) and its _init_weights. The loop is the one
roberta-ts runs:
  - data: the token cache `roberta train` wrote (train/data/tokenCache.ts documents the format), cut
    into FULL-SENTENCES sequences <s> + (S - 2) stream tokens + </s>, shuffled every epoch;
  - DataCollatorForLanguageModeling's dynamic masking (15 %, 80/10/10) from torch's generator, so the
    masks differ from roberta-ts' counter-based ones but follow the same rule;
  - the LM head on the masked positions only (fairseq's masked_tokens), the decoder tied to the word
    embeddings;
  - AdamW (β1 0.9, β2 0.98, ε 1e-6, no decay on biases and LayerNorm weights), linear warmup then
    linear decay to 0 at --steps, global-norm clipping, dropout 0.1;
  - a wall-clock budget: stop after the step that ends --max-seconds into training, then evaluate
    on the eval text with masks from a fixed seed.
It prints one JSON line per step {"step", "loss", "lr", "grad_norm", "seconds", "tokens_per_s"} and a
final {"final": true, "eval_loss", "eval_perplexity", "steps", "tokens", "seconds", "tokens_per_s"}.
"""

import argparse
import glob
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

BOS, PAD, EOS = 0, 1, 2
IGNORE_INDEX = -100


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c['vocab_size'], c['hidden_size'], padding_idx=c['pad_token_id'])
        self.position_embeddings = nn.Embedding(c['max_position_embeddings'], c['hidden_size'], padding_idx=c['pad_token_id'])
        self.token_type_embeddings = nn.Embedding(c['type_vocab_size'], c['hidden_size'])
        self.LayerNorm = nn.LayerNorm(c['hidden_size'], eps=c['layer_norm_eps'])
        self.dropout = nn.Dropout(c['hidden_dropout_prob'])
        self.padding_idx = c['pad_token_id']

    def forward(self, ids):
        # create_position_ids_from_input_ids: positions count from padding_idx + 1 over non-pad tokens.
        mask = ids.ne(self.padding_idx).int()
        positions = torch.cumsum(mask, dim=1) * mask + self.padding_idx
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(torch.zeros_like(ids))
        return self.dropout(self.LayerNorm(x))


class Layer(nn.Module):
    """One encoder layer: self-attention + residual LayerNorm, feed-forward + residual LayerNorm (post-LN)."""

    def __init__(self, c):
        super().__init__()
        h = c['hidden_size']
        self.heads = c['num_attention_heads']
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.attention_dropout = nn.Dropout(c['attention_probs_dropout_prob'])
        self.attention_output = nn.Linear(h, h)
        self.attention_norm = nn.LayerNorm(h, eps=c['layer_norm_eps'])
        self.intermediate = nn.Linear(h, c['intermediate_size'])
        self.output = nn.Linear(c['intermediate_size'], h)
        self.output_norm = nn.LayerNorm(h, eps=c['layer_norm_eps'])
        self.dropout = nn.Dropout(c['hidden_dropout_prob'])

    def forward(self, x):
        b, s, h = x.shape
        split = lambda t: t.view(b, s, self.heads, h // self.heads).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        probs = self.attention_dropout(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(h // self.heads), dim=-1))
        context = (probs @ v).transpose(1, 2).reshape(b, s, h)
        x = self.attention_norm(self.dropout(self.attention_output(context)) + x)
        return self.output_norm(self.dropout(self.output(F.gelu(self.intermediate(x)))) + x)


class MaskedLm(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c['hidden_size']
        self.embeddings = Embeddings(c)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c['num_hidden_layers']))
        self.head_dense = nn.Linear(h, h)
        self.head_norm = nn.LayerNorm(h, eps=c['layer_norm_eps'])
        self.head_bias = nn.Parameter(torch.zeros(c['vocab_size']))
        self.apply(lambda m: init_weights(m, c['initializer_range']))

    def loss(self, ids, labels):
        x = self.embeddings(ids)
        for layer in self.layers:
            x = layer(x)
        # The LM head at the masked positions only: with a 50k vocabulary it is most of the work.
        selected = labels.ne(IGNORE_INDEX)
        x = self.head_norm(F.gelu(self.head_dense(x[selected])))
        logits = x @ self.embeddings.word_embeddings.weight.t() + self.head_bias
        return F.cross_entropy(logits, labels[selected])


def init_weights(module, std):
    """transformers' RobertaPreTrainedModel._init_weights."""
    if isinstance(module, nn.Linear):
        module.weight.data.normal_(0.0, std)
        module.bias.data.zero_()
    elif isinstance(module, nn.Embedding):
        module.weight.data.normal_(0.0, std)
        if module.padding_idx is not None:
            module.weight.data[module.padding_idx].zero_()
    elif isinstance(module, nn.LayerNorm):
        module.weight.data.fill_(1.0)
        module.bias.data.zero_()


def cached_sequences(cache_dir, text_file, seq_len):
    """The FULL-SENTENCES sequences of `text_file` from the token cache entry whose sidecar names it."""
    wanted = [os.path.abspath(text_file)]
    for sidecar in glob.glob(os.path.join(cache_dir, '*.json')):
        with open(sidecar) as f:
            info = json.load(f)
        if [t['path'] for t in info['text_files']] == wanted:
            ids = np.fromfile(sidecar[: -len('.json')] + '.ids', dtype='<u2' if info['dtype'] == 'uint16' else '<u4')
            n = len(ids) // (seq_len - 2)
            body = torch.from_numpy(ids[: n * (seq_len - 2)].astype(np.int64)).view(n, seq_len - 2)
            return torch.cat([torch.full((n, 1), BOS), body, torch.full((n, 1), EOS)], dim=1), info['vocab_size']
    raise SystemExit(f'no token cache entry for {text_file} in {cache_dir}: run roberta train on it first')


def mask_tokens(ids, special_ids, mask_id, vocab_size, generator):
    """DataCollatorForLanguageModeling.torch_mask_tokens with mlm_probability 0.15."""
    ids, labels = ids.clone(), ids.clone()
    probability = torch.full(ids.shape, 0.15)
    probability.masked_fill_(torch.isin(ids, special_ids), 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels[~selected] = IGNORE_INDEX
    masked = torch.bernoulli(torch.full(ids.shape, 0.8), generator=generator).bool() & selected
    ids[masked] = mask_id
    randomized = torch.bernoulli(torch.full(ids.shape, 0.5), generator=generator).bool() & selected & ~masked
    ids[randomized] = torch.randint(vocab_size, ids.shape, generator=generator)[randomized]
    return ids, labels


def linear_warmup_decay(step, warmup, total):
    if step < warmup:
        return step / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', required=True)
    p.add_argument('--cache-dir', required=True)
    p.add_argument('--data', required=True)
    p.add_argument('--eval-data', required=True)
    p.add_argument('--tokenizer', required=True, help="folder with the tokenizer's vocab.json (the special ids)")
    p.add_argument('--seq-len', type=int, default=128)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--steps', type=int, required=True)
    p.add_argument('--lr', type=float, required=True)
    p.add_argument('--warmup-steps', type=int, default=0)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--max-grad-norm', type=float, default=1.0)
    p.add_argument('--max-seconds', type=float, default=float('inf'))
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    with open(a.config) as f:
        config = json.load(f)
    train, vocab_size = cached_sequences(a.cache_dir, a.data, a.seq_len)
    evaluation, _ = cached_sequences(a.cache_dir, a.eval_data, a.seq_len)
    with open(os.path.join(a.tokenizer, 'vocab.json')) as f:
        vocab = json.load(f)
    mask_id = vocab['<mask>']
    special_ids = torch.tensor([vocab[t] for t in ('<s>', '<pad>', '</s>', '<unk>', '<mask>')])  # HF's all_special_ids
    model = MaskedLm(config)
    decay = [p for n, p in model.named_parameters() if 'bias' not in n and 'norm' not in n.lower()]
    no_decay = [p for n, p in model.named_parameters() if 'bias' in n or 'norm' in n.lower()]
    optimizer = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': a.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
        lr=a.lr, betas=(0.9, 0.98), eps=1e-6,
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: linear_warmup_decay(k, a.warmup_steps, a.steps))
    data_generator = torch.Generator().manual_seed(a.seed)
    batches_per_epoch = math.ceil(len(train) / a.batch_size)  # the last batch of an epoch may be short, as in roberta-ts
    order = None
    tokens = 0
    start = time.perf_counter()
    model.train()
    step = 0
    while step < a.steps:
        if step % batches_per_epoch == 0:
            order = torch.randperm(len(train), generator=data_generator)
        index = order[(step % batches_per_epoch) * a.batch_size:][: a.batch_size]
        ids, labels = mask_tokens(train[index], special_ids, mask_id, vocab_size, data_generator)
        lr = schedule.get_last_lr()[0]
        optimizer.zero_grad()
        loss = model.loss(ids, labels)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.max_grad_norm if a.max_grad_norm > 0 else float('inf'))
        optimizer.step()
        schedule.step()
        tokens += ids.numel()
        seconds = time.perf_counter() - start
        print(json.dumps({'step': step, 'loss': loss.item(), 'lr': lr, 'grad_norm': norm.item(), 'seconds': seconds, 'tokens_per_s': tokens / seconds}), flush=True)
        step += 1
        if seconds >= a.max_seconds:
            break
    train_seconds = time.perf_counter() - start

    model.eval()
    eval_generator = torch.Generator().manual_seed(1234)
    total, rows = 0.0, 0
    with torch.no_grad():
        for first in range(0, len(evaluation), a.batch_size):
            ids, labels = mask_tokens(evaluation[first : first + a.batch_size], special_ids, mask_id, vocab_size, eval_generator)
            total += model.loss(ids, labels).item() * len(ids)
            rows += len(ids)
    eval_loss = total / rows
    print(json.dumps({'step': step - 1, 'eval_loss': eval_loss, 'eval_perplexity': math.exp(eval_loss)}), flush=True)
    print(json.dumps({'final': True, 'eval_loss': eval_loss, 'eval_perplexity': math.exp(eval_loss), 'steps': step, 'tokens': tokens,
                      'seconds': train_seconds, 'tokens_per_s': tokens / train_seconds}), flush=True)


if __name__ == '__main__':
    main()
