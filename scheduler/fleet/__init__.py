"""Fleet mode: the queue, slots, the scheduler, workers, their tasks and the fleet's status.

Imports the check pipeline, the daemon's parts and `scheduler.service`; never `scheduler.cli`.
"""
