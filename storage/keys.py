"""The data key and the database belong together: check it at start, rotate it in place.

A key check value (a known word encrypted with the key) is stored the first time a key
opens the database. Every start decrypts it: a lost key file silently replaced by a new key,
or the wrong `MYSAY_DATA_KEY`, stops the program with one line instead of writing new text
that the old answers can never be read beside.

`rotate_keys` re-encrypts every `*_cipher` column (and the check value) under the newest
key, a batch per transaction in id order, so it can be stopped and run again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import LargeBinary, select, update

from storage.crypto import DataKeyError, TextCipher
from storage.database import Database
from storage.models import Base, KeyCheck
from storage.uow import UnitOfWork

CHECK_WORD = "my-say-key-check"
ROTATE_BATCH = 500
Progress = Callable[[str, int], None]


async def verify_data_key(database: Database, cipher: TextCipher, now: datetime) -> None:
    """Store the key check value on first use; afterwards refuse a key that does not open it.

    Raises:
        DataKeyError: The configured key is not the one the data was written with.
    """
    async with UnitOfWork(database, cipher) as uow:
        stored = await uow.session.scalar(select(KeyCheck).order_by(KeyCheck.id).limit(1))
        if stored is None:
            uow.session.add(KeyCheck(token=cipher.encrypt(CHECK_WORD), created_at=now))
            await uow.commit()
            return
        try:
            word = cipher.decrypt(stored.token)
        except DataKeyError:
            word = None
        if word != CHECK_WORD:
            raise DataKeyError(
                "the data key does not open this database (was the key file lost or "
                "MYSAY_DATA_KEY changed?); restore the original key, or give NEW,OLD and run "
                "`mysay key rotate`"
            )


async def rotate_keys(database: Database, cipher: TextCipher, progress: Progress) -> int:
    """Re-encrypt every encrypted column under the newest key; return the values rewritten."""
    rewritten = 0
    for table in Base.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, LargeBinary)
            and (column.name.endswith("_cipher") or table.name == KeyCheck.__tablename__)
        ]
        if not columns:
            continue
        key = next(iter(table.primary_key.columns))
        after = None
        while True:
            async with UnitOfWork(database, cipher) as uow:
                query = select(key, *columns).order_by(key).limit(ROTATE_BATCH)
                if after is not None:
                    query = query.where(key > after)
                rows = (await uow.session.execute(query)).all()
                for row in rows:
                    values = {
                        column.name: cipher.rotate(value)
                        for column, value in zip(columns, row[1:], strict=True)
                        if value is not None
                    }
                    if values:
                        await uow.session.execute(
                            update(table).where(key == row[0]).values(**values)
                        )
                        rewritten += len(values)
                await uow.commit()
            if not rows:
                break
            after = rows[-1][0]
            progress(table.name, len(rows))
    return rewritten
