import ArgumentParser
import StrataSQLite
print("x")
