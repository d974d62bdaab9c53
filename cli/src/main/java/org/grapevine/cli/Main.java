package org.grapevine.cli; public class Main { public static void main(String[] a){} }
