"""Passwords are hashed with Argon2id at OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.

Django's default Argon2 parameters take 100 MiB and about 190 ms of CPU per login on a 2-core
server, which makes the login form cheap to ask and dear to answer (and costs a rush of logins
at the start of a shift seconds). These take about 22 ms and 19 MiB; guessing stays limited by
the lockout. A hash made with other parameters is redone at its owner's next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
