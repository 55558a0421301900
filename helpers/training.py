"""Training logs that read the same on every machine.

Keras' ``verbose=2`` line prints losses and metrics to 4 decimals; their last digits depend on which
CPU kernels ran (AVX-512 or AVX2, oneDNN on or off), so a stored log would fail nbval on another CPU.
:func:`epoch_log` prints the same information rounded to what a seeded run reproduces everywhere.
Use it with ``verbose=0``.
"""

from __future__ import annotations

__all__ = ["epoch_log"]


def epoch_log(digits: int = 2, *, every: int = 1):
    """A Keras callback that prints ``epoch N/M: loss 0.52 | accuracy 0.81 | val_loss ...`` per epoch.

    ``digits``: decimals printed (2 is stable for seeded runs of the book's sizes). ``every``: print
    every that many epochs (the last epoch is always printed).
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an integer from 0 to 6, got {digits!r}")
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"every must be an integer >= 1, got {every!r}")
    import keras

    class EpochLog(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            total = self.params.get("epochs") or epoch + 1
            if (epoch + 1) % every and epoch + 1 != total:
                return
            items = " | ".join(f"{k} {float(v):.{digits}f}" for k, v in (logs or {}).items()
                               if k != "learning_rate")
            print(f"epoch {epoch + 1}/{total}: {items}")

    return EpochLog()
