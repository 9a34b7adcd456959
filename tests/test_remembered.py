"""The bounded memory the per-process caches share."""

import threading

from course.remembered import Remembered


def test_the_oldest_stored_is_forgotten_first():
    remembered = Remembered(2)
    remembered.put("a", 1)
    remembered.put("b", 2)
    remembered.put("c", 3)
    assert remembered.get("a") is None
    assert (remembered.get("b"), remembered.get("c")) == (2, 3)


def test_storing_a_known_key_again_forgets_nothing():
    remembered = Remembered(2)
    remembered.put("a", 1)
    remembered.put("b", 2)
    remembered.put("b", 3)
    assert remembered.keys() == {"a", "b"}
    assert remembered.get("b") == 3


def test_forgetting_an_unknown_key_is_harmless():
    remembered = Remembered(2)
    remembered.forget("never stored")
    assert len(remembered) == 0


def test_many_threads_storing_at_once_keep_the_bound():
    remembered = Remembered(50)

    def store(offset):
        for number in range(2_000):
            remembered.put((offset, number), number)

    threads = [threading.Thread(target=store, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(remembered) == 50
