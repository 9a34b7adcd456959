"""The benchmark suite behind ``make bench``: each figure the speed issue asks for, with its target.

Every comparison is made within one run, because the machines it runs on are
shared and noisy: the lesson page is measured against the least signed-in page
its libraries allow, under the same server and load, and each size of cohort in
the same database.
"""
